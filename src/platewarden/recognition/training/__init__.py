"""Training of the plate reader (needs the optional ``train`` extra: PyTorch and onnx)."""
