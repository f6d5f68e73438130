"""Evidence integrity: canonical manifests for clips, Ed25519 signing and offline verification.

Owns the gateway's signing key (data_dir/keys/, created at first start, mode 0600), the manifest
format and its canonical byte form, and `verify_clip`. Consumes finished clip files and facts
about them (camera, range, ticket, event, creator). Emits `<clip>.manifest.json` (canonical
JSON), a detached raw Ed25519 signature `<clip>.manifest.sig`, and the public key PEM that
lets anyone check both with openssl and sha256sum alone (see README.md).
"""

from vgateway.evidence.canonical import canonical_json
from vgateway.evidence.files import file_digest, write_atomic
from vgateway.evidence.keys import (
    PRIVATE_KEY_NAME,
    PUBLIC_KEY_NAME,
    SigningKey,
    key_id,
    load_public_key,
)
from vgateway.evidence.manifest import (
    MANIFEST_FORMAT,
    ClipFacts,
    build_manifest,
    utc_iso,
    write_signed_manifest,
)
from vgateway.evidence.verify import Verification, signature_path_for, verify_clip

__all__ = [
    "MANIFEST_FORMAT",
    "PRIVATE_KEY_NAME",
    "PUBLIC_KEY_NAME",
    "ClipFacts",
    "SigningKey",
    "Verification",
    "build_manifest",
    "canonical_json",
    "file_digest",
    "key_id",
    "load_public_key",
    "signature_path_for",
    "utc_iso",
    "verify_clip",
    "write_atomic",
    "write_signed_manifest",
]
