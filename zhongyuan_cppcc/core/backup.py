"""Backup and restore (MLPS 2.0 requires both, with restores tested): the database as a pg_dump custom-format
dump and the media files in one dated archive, optionally encrypted, with a SHA-256 checksum beside it.

Archive `zhongyuan-cppcc-YYYYMMDD-HHMMSS.tar` (or `.tar.enc` when encrypted) holds
    manifest.json    format, time, database, exact row count of every table, media file count and bytes
    database.dump    pg_dump --format=custom
    media/…          the media files
and `<archive>.sha256` holds its checksum (the `sha256sum` format, so `sha256sum -c` checks it too).

Encryption: AES-256-GCM over chunks of the tar, each chunk with its own random nonce and its index and a
last-chunk flag as associated data, so a reordered, truncated or altered archive fails to decrypt. The key is
`BACKUP_ENCRYPTION_KEY` (32 bytes, url-safe base64) from the environment; it is never stored with the archive.

Restore refuses a target database that has tables or a media directory that has files, checks the checksum
before anything else, and compares the restored row counts with the manifest.
"""

import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import struct
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils import timezone

FORMAT = 1
MAGIC = b"ZCBACKUP1\n"
CHUNK = 4 * 1024 * 1024
NAME_RE = re.compile(r"^zhongyuan-cppcc-(\d{8})-(\d{6})\.tar(\.enc)?$")


class BackupError(Exception):
    """A backup or restore that cannot be carried out; the message says why (in English: operators' tool)."""


# --- Connections ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PgTarget:
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, alias: str | None = None) -> "PgTarget":
        """The owner connection when one is configured (dumps and restores need the owner), else default."""
        databases = settings.DATABASES
        db = databases[alias or ("owner" if "owner" in databases else "default")]
        if "postgresql" not in db["ENGINE"]:
            raise BackupError("backup and restore need PostgreSQL")
        return cls(name=db["NAME"], user=db.get("USER") or "", password=db.get("PASSWORD") or "",
                   host=db.get("HOST") or "", port=str(db.get("PORT") or ""))

    @classmethod
    def from_url(cls, url: str) -> "PgTarget":
        parts = urlparse(url)
        return cls(name=unquote(parts.path.lstrip("/")), user=unquote(parts.username or ""),
                   password=unquote(parts.password or ""), host=parts.hostname or "",
                   port=str(parts.port or ""))

    def args(self) -> list[str]:
        out = []
        if self.host:
            out += ["--host", self.host]
        if self.port:
            out += ["--port", self.port]
        if self.user:
            out += ["--username", self.user]
        return out

    def env(self) -> dict:
        env = {**os.environ}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self):
        import psycopg2

        return psycopg2.connect(dbname=self.name, user=self.user or None, password=self.password or None,
                                host=self.host or None, port=self.port or None)


def row_counts(target: PgTarget) -> dict[str, int]:
    """Exact row counts of every table in the public schema."""
    with target.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cur.fetchall()]
        counts = {}
        for table in tables:
            cur.execute(f'SELECT count(*) FROM public."{table}"')  # names come from the catalogue
            counts[table] = cur.fetchone()[0]
    conn.close()
    return counts


# --- Encryption -----------------------------------------------------------------------------------------


def _key(raw: str | bytes | None) -> bytes:
    raw = raw if raw is not None else getattr(settings, "BACKUP_ENCRYPTION_KEY", "")
    if not raw:
        raise BackupError("BACKUP_ENCRYPTION_KEY is not set")
    try:
        key = base64.urlsafe_b64decode(raw if isinstance(raw, bytes) else raw.encode())
    except ValueError as exc:
        raise BackupError("BACKUP_ENCRYPTION_KEY is not url-safe base64") from exc
    if len(key) != 32:
        raise BackupError("BACKUP_ENCRYPTION_KEY must be 32 bytes (url-safe base64)")
    return key


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _aad(index: int, last: bool) -> bytes:
    return MAGIC + struct.pack(">Q?", index, last)


def encrypt_file(source: Path, dest: Path, key: bytes) -> None:
    aes = AESGCM(key)
    size = source.stat().st_size
    with source.open("rb") as src, dest.open("wb") as out:
        out.write(MAGIC)
        index, done = 0, 0
        while True:
            chunk = src.read(CHUNK)
            done += len(chunk)
            last = done >= size
            nonce = secrets.token_bytes(12)
            sealed = aes.encrypt(nonce, chunk, _aad(index, last))
            out.write(struct.pack(">I", len(sealed)) + nonce + sealed)
            index += 1
            if last:
                break


def decrypt_file(source: Path, dest: Path, key: bytes) -> None:
    from cryptography.exceptions import InvalidTag

    aes = AESGCM(key)
    with source.open("rb") as src, dest.open("wb") as out:
        if src.read(len(MAGIC)) != MAGIC:
            raise BackupError("not an encrypted backup")
        index = 0
        while True:
            head = src.read(4)
            if len(head) < 4:
                raise BackupError("the encrypted backup is truncated")
            (length,) = struct.unpack(">I", head)
            nonce, sealed = src.read(12), src.read(length)
            if len(sealed) != length:
                raise BackupError("the encrypted backup is truncated")
            last = not src.peek(1) if hasattr(src, "peek") else False
            try:
                out.write(aes.decrypt(nonce, sealed, _aad(index, last)))
            except InvalidTag as exc:
                raise BackupError("the backup cannot be decrypted: wrong key or altered file") from exc
            index += 1
            if last:
                return


# --- Checksums ------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_checksum(archive: Path) -> None:
    sums = archive.with_name(archive.name + ".sha256")
    if not sums.exists():
        raise BackupError(f"checksum file {sums.name} is missing")
    expected = sums.read_text().split()[0]
    if sha256_of(archive) != expected:
        raise BackupError("checksum mismatch: the archive is damaged or altered")


# --- Backup ---------------------------------------------------------------------------------------------


def backup(*, directory: Path | None = None, encrypt: bool = False, key: str | None = None,
           target: PgTarget | None = None, media_root: Path | None = None, now: datetime | None = None) -> Path:
    """Write one archive into `directory` (BACKUP_DIR) and its .sha256; returns the archive's path."""
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    target = target or PgTarget.from_settings()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    name = f"zhongyuan-cppcc-{stamp}.tar"
    aes_key = _key(key) if encrypt else None
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        tmp = Path(tmp)
        dump = tmp / "database.dump"
        result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file",
                                 str(dump), *target.args(), target.name], env=target.env(),
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        media_files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
        manifest = {
            "format": FORMAT, "created_at": timezone.now().isoformat(), "database": target.name,
            "tables": row_counts(target), "media_files": len(media_files),
            "media_bytes": sum(p.stat().st_size for p in media_files), "encrypted": encrypt,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        plain = tmp / name
        with tarfile.open(plain, "w") as tar:
            tar.add(tmp / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname="database.dump")
            for path in media_files:
                tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        final = directory / (name + (".enc" if encrypt else ""))
        if aes_key is not None:
            encrypt_file(plain, final, aes_key)
        else:
            shutil.move(plain, final)
    final.with_name(final.name + ".sha256").write_text(f"{sha256_of(final)}  {final.name}\n")
    return final


# --- Restore --------------------------------------------------------------------------------------------


def _safe_members(tar: tarfile.TarFile):
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"unsafe path in archive: {member.name}")
        yield member


def restore(archive: Path, *, key: str | None = None, target: PgTarget | None = None,
            media_root: Path | None = None) -> dict:
    """Restore an archive into an empty database and an empty media directory; returns the manifest with the
    restored row counts under "restored"."""
    archive = Path(archive)
    if not archive.exists():
        raise BackupError(f"{archive} does not exist")
    verify_checksum(archive)
    target = target or PgTarget.from_settings()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"the media directory {media_root} is not empty")
    if row_counts(target):
        raise BackupError(f"the database {target.name} is not empty: restore only into an empty database")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plain = archive
        if archive.name.endswith(".enc"):
            plain = tmp / "archive.tar"
            decrypt_file(archive, plain, _key(key))
        with tarfile.open(plain, "r") as tar:
            tar.extractall(tmp / "x", members=list(_safe_members(tar)))
        manifest = json.loads((tmp / "x" / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')}")
        result = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                                 "--dbname", target.name, *target.args(), str(tmp / "x" / "database.dump")],
                                env=target.env(), capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        media_src = tmp / "x" / "media"
        if media_src.exists():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media_src, media_root, dirs_exist_ok=True)
    manifest["restored"] = row_counts(target)
    if manifest["restored"] != manifest["tables"]:
        diff = {t: (manifest["tables"].get(t), manifest["restored"].get(t))
                for t in set(manifest["tables"]) | set(manifest["restored"])
                if manifest["tables"].get(t) != manifest["restored"].get(t)}
        raise BackupError(f"restored row counts differ from the manifest: {diff}")
    return manifest


# --- Rotation -------------------------------------------------------------------------------------------


def archive_date(path: Path) -> date | None:
    match = NAME_RE.match(path.name)
    return datetime.strptime(match.group(1), "%Y%m%d").date() if match else None


def prune(directory: Path, *, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Keep the newest archive of each of the newest `keep_daily` days and of each of the newest `keep_monthly`
    months; delete the other archives (and their checksums). Returns the deleted archives."""
    archives = sorted((p for p in Path(directory).iterdir() if archive_date(p)), key=lambda p: p.name, reverse=True)
    keep, days, months = set(), [], []
    for path in archives:  # newest first
        day = archive_date(path)
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(path)
        month = (day.year, day.month)
        if month not in months and len(months) < keep_monthly:
            months.append(month)
            keep.add(path)
    deleted = []
    for path in archives:
        if path not in keep:
            path.unlink()
            path.with_name(path.name + ".sha256").unlink(missing_ok=True)
            deleted.append(path)
    return deleted
