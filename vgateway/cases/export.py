"""Case ZIPs: clips, their signed manifests and signatures, the public key, and the case
record, prepared in a worker thread with progress, then downloaded (HTTP ranges: resumable).

Layout, so that `vgateway verify clips/X.mp4 clips/X.manifest.json` works inside it:
    <case>/case.json, <case>/README.txt, <case>/gateway_ed25519.pub.pem,
    <case>/clips/X.mp4, X.manifest.json, X.manifest.sig, gateway_ed25519.pub.pem
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import threading
import time
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from vgateway.evidence import PUBLIC_KEY_NAME

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024
MAX_JOBS = 200

README = """\
案件证据包 / Case evidence package: {case_id}

每个视频片段都有签名清单 (clips/*.manifest.json) 和 Ed25519 签名 (*.manifest.sig)。
Each clip has a signed manifest and a detached Ed25519 signature. Verify one offline:

    vgateway verify clips/<clip>.mp4 clips/<clip>.manifest.json

or with openssl and sha256sum alone (see the gateway's evidence README):

    openssl pkeyutl -verify -pubin -inkey gateway_ed25519.pub.pem -rawin \\
        -in clips/<clip>.manifest.json -sigfile clips/<clip>.manifest.sig
    sha256sum clips/<clip>.mp4    # must equal file.sha256 in the manifest
"""


class ExportStatus(StrEnum):
    preparing = "preparing"
    ready = "ready"
    failed = "failed"


@dataclass(frozen=True)
class ExportFile:
    source: Path
    name: str  # path inside the ZIP


@dataclass
class ExportJob:
    id: str
    case_id: str
    created_by: str
    reason: str
    created_at: float = field(default_factory=time.time)
    status: ExportStatus = ExportStatus.preparing
    bytes_total: int = 0
    bytes_done: int = 0
    files: int = 0
    error: str | None = None
    path: Path | None = None
    finished_at: float | None = None

    @property
    def progress(self) -> float:
        if self.status is ExportStatus.ready:
            return 1.0
        return self.bytes_done / self.bytes_total if self.bytes_total else 0.0


def write_zip(job: ExportJob, target: Path, files: list[ExportFile], texts: dict[str, str]) -> None:
    """Write the ZIP (videos stored, they do not compress), counting progress in bytes."""
    job.bytes_total = sum(f.source.stat().st_size for f in files) + sum(
        len(t.encode()) for t in texts.values()
    )
    part = target.with_name(f".{target.name}.part")
    try:
        with zipfile.ZipFile(part, "w", allowZip64=True) as archive:
            for name, text in texts.items():
                archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
                job.bytes_done += len(text.encode())
            for item in files:
                info = zipfile.ZipInfo.from_file(item.source, item.name)
                info.compress_type = zipfile.ZIP_STORED
                with item.source.open("rb") as src, archive.open(info, "w") as dst:
                    while chunk := src.read(CHUNK):
                        dst.write(chunk)
                        job.bytes_done += len(chunk)
                job.files += 1
        os.replace(part, target)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise


class ExportJobs:
    """Export jobs of this process; files are removed `keep_s` after they were made."""

    def __init__(self, folder: Path, keep_s: float) -> None:
        self.folder = folder
        self.keep_s = keep_s
        self._jobs: dict[str, ExportJob] = {}
        self._lock = threading.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    def clear_folder(self) -> None:
        """At start: files of a previous run have no job any more (blocking)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for path in self.folder.iterdir():
            if path.suffix in (".zip", ".part"):
                with contextlib.suppress(OSError):
                    path.unlink()

    def get(self, job_id: str) -> ExportJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(
        self,
        case_id: str,
        files: list[ExportFile],
        texts: dict[str, str],
        *,
        created_by: str,
        reason: str,
    ) -> ExportJob:
        self._prune()
        job = ExportJob(secrets.token_hex(8), case_id, created_by, reason)
        with self._lock:
            self._jobs[job.id] = job
        task = asyncio.create_task(self._run(job, files, texts), name=f"case-export-{job.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, job: ExportJob, files: list[ExportFile], texts: dict[str, str]) -> None:
        target = self.folder / f"{job.case_id}-{job.id}.zip"
        try:
            await asyncio.to_thread(write_zip, job, target, files, texts)
            job.path, job.status = target, ExportStatus.ready
        except Exception as exc:
            log.exception("case %s: export %s failed", job.case_id, job.id)
            job.status, job.error = ExportStatus.failed, f"{type(exc).__name__}: {exc}"
        job.finished_at = time.time()

    def _prune(self) -> None:
        cutoff = time.time() - self.keep_s
        with self._lock:
            old = [
                j
                for j in self._jobs.values()
                if j.finished_at is not None
                and (j.finished_at < cutoff or len(self._jobs) > MAX_JOBS)
            ]
            for job in old:
                del self._jobs[job.id]
        for job in old:
            if job.path is not None:
                with contextlib.suppress(OSError):
                    job.path.unlink()

    async def stop(self) -> None:
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=30)


def clip_files(clips_dir: Path, clip_ids: list[str], root: str) -> list[ExportFile]:
    """A ZIP's evidence files for these clips under folder `root` (the public key at the top
    and beside the clips, where `vgateway verify` looks by default)."""
    key = clips_dir / PUBLIC_KEY_NAME
    files = [
        ExportFile(key, f"{root}/{PUBLIC_KEY_NAME}"),
        ExportFile(key, f"{root}/clips/{PUBLIC_KEY_NAME}"),
    ]
    for clip_id in clip_ids:
        for suffix in (".mp4", ".manifest.json", ".manifest.sig"):
            files.append(
                ExportFile(clips_dir / f"{clip_id}{suffix}", f"{root}/clips/{clip_id}{suffix}")
            )
    return files
