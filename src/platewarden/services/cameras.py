"""Registering, listing and disabling cameras and sections."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from platewarden.domain.access import RegionScope
from platewarden.domain.audit import AuditAction
from platewarden.domain.cameras import Camera, CameraKind, Section
from platewarden.domain.messages import (
    CameraDisabled,
    CameraRegistered,
    DisableCamera,
    RegisterCamera,
    RegisterSection,
)
from platewarden.services.audit import AuditService
from platewarden.services.camera_directory import CameraDirectory
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.ports import EventPublisher, KeyPairFactory
from platewarden.services.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisteredCamera:
    """A new camera and its private key, which is shown once and never stored."""

    camera: Camera
    private_key: bytes


class CameraService:
    """Admin operations on the camera network."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, keys: KeyPairFactory,
                 publisher: EventPublisher, clock: Callable[[], datetime],
                 directory: CameraDirectory | None = None,
                 audit: AuditService | None = None) -> None:
        self._uow_factory = uow_factory
        self._audit = audit
        self._directory = directory
        self._keys = keys
        self._publisher = publisher
        self._clock = clock

    def register(self, command: RegisterCamera, *, actor: str = "system") -> RegisteredCamera:
        """Register a camera with a freshly generated Ed25519 key pair."""
        try:
            kind = CameraKind(command.kind)
        except ValueError as exc:
            raise ServiceError("invalid_field", f"Unknown camera kind {command.kind!r}; use "
                               f"one of {', '.join(k.value for k in CameraKind)}.") from exc
        private_key, public_key = self._keys.generate()
        camera = Camera(
            id=command.camera_id, name=command.name, latitude=command.latitude,
            longitude=command.longitude, road=command.road, direction=command.direction,
            lanes=command.lanes, kind=kind, public_key=public_key,
            speed_limit_kmh=command.speed_limit_kmh,
            calibration_certificate=command.calibration_certificate,
            calibration_expires_at=command.calibration_expires_at,
            region_code=command.region_code, lane_restrictions=command.lane_restrictions,
            red_light_grace_s=command.red_light_grace_s)
        with self._uow_factory() as uow:
            if uow.cameras.get(camera.id) is not None:
                raise ServiceError("conflict", f"Camera {camera.id} is already registered.")
            uow.cameras.add(camera, created_at=self._clock())
            if self._audit is not None:
                self._audit.record(uow, actor=actor, action=AuditAction.CAMERA_REGISTERED,
                                   target=camera.id, details={"kind": kind.value})
            uow.commit()
        if self._directory is not None:
            self._directory.invalidate(camera.id)
        self._publisher.publish([CameraRegistered(camera_id=camera.id)])
        return RegisteredCamera(camera=camera, private_key=private_key)

    def register_section(self, command: RegisterSection) -> Section:
        """Define an average-speed section between two registered cameras."""
        section = Section(id=command.section_id, name=command.name,
                          entry_camera_id=command.entry_camera_id,
                          exit_camera_id=command.exit_camera_id, distance_m=command.distance_m,
                          speed_limit_kmh=command.speed_limit_kmh,
                          class_limits_kmh=dict(command.class_limits_kmh))
        if section.distance_m <= 0 or section.entry_camera_id == section.exit_camera_id:
            raise ServiceError("invalid_field", "A section needs two different cameras and a "
                               "positive distance.")
        with self._uow_factory() as uow:
            for camera_id in (section.entry_camera_id, section.exit_camera_id):
                if uow.cameras.get(camera_id) is None:
                    raise NotFound(f"Camera {camera_id} is not registered.")
            if uow.cameras.get_section(section.id) is not None:
                raise ServiceError("conflict", f"Section {section.id} already exists.")
            uow.cameras.add_section(section)
            uow.commit()
        return section

    def rotate_key(self, camera_id: str, *, actor: str, scope: RegionScope) -> RegisteredCamera:
        """Give a camera a new key pair; the old key is refused from now on.

        For a camera whose key may have leaked, or on a schedule. The new private key is in
        the result only (shown once, never stored).

        Raises:
            NotFound: no such camera in ``scope``.
        """
        private_key, public_key = self._keys.generate()
        with self._uow_factory() as uow:
            camera = uow.cameras.get(camera_id)
            if camera is None or not scope.allows(camera.region_code):
                raise NotFound(f"Camera {camera_id} is not registered.")
            uow.cameras.set_public_key(camera_id, public_key)
            if self._audit is not None:
                self._audit.record(uow, actor=actor, action=AuditAction.CAMERA_KEY_ROTATED,
                                   target=camera_id)
            uow.commit()
        if self._directory is not None:
            self._directory.invalidate(camera_id)
        return RegisteredCamera(camera=dataclasses.replace(camera, public_key=public_key),
                                private_key=private_key)

    def disable(self, command: DisableCamera, *, actor: str = "system") -> None:
        """Refuse every further read from the camera."""
        with self._uow_factory() as uow:
            if not uow.cameras.set_enabled(command.camera_id, enabled=False):
                raise NotFound(f"Camera {command.camera_id} is not registered.")
            if self._audit is not None:
                self._audit.record(uow, actor=actor, action=AuditAction.CAMERA_DISABLED,
                                   target=command.camera_id)
            uow.commit()
        if self._directory is not None:
            self._directory.invalidate(command.camera_id)
        self._publisher.publish([CameraDisabled(camera_id=command.camera_id)])

    def all_cameras(self, *, scope: RegionScope) -> list[Camera]:
        """Every registered camera in ``scope``."""
        with self._uow_factory(read_only=True) as uow:
            cameras = uow.cameras.all_cameras()
        return [c for c in cameras if scope.allows(c.region_code)]

    def sections(self) -> list[Section]:
        """Every section."""
        with self._uow_factory(read_only=True) as uow:
            return uow.cameras.list_sections()
