"""Camera agent: turns a plain camera (images, video, RTSP) into a Platewarden camera."""
