"""In-memory storage: a fake of the unit of work and repositories for service unit tests."""

from platewarden.adapters.memory.state import IntegrityViolation
from platewarden.adapters.memory.uow import InMemoryUnitOfWork, InMemoryUnitOfWorkFactory

__all__ = ["InMemoryUnitOfWork", "InMemoryUnitOfWorkFactory", "IntegrityViolation"]
