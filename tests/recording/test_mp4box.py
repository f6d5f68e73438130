from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from tests.recording.media import Footage, ffprobe_errors
from vgateway.recording.mp4box import readable_prefix, truncate_to_prefix
from vgateway.recording.muxer import FRAGMENTED, CountingFile, Mp4Writer


def _fragmented(path: Path, street: Footage, seconds: float) -> int:
    with path.open("xb", buffering=0) as handle:
        sink = CountingFile(handle)
        writer = Mp4Writer(sink, street.info, Fraction(1, 90000), movflags=FRAGMENTED)
        for p in street.packets(seconds, start_wall=0.0):
            writer.write(p, p.pts or 0, p.dts or 0)
        writer.close()
        assert sink.sha256() is not None  # fragmented output never seeks back
        return sink.written


def test_torn_file_is_cut_back_to_its_last_whole_fragment(tmp_path: Path, street: Footage) -> None:
    path = tmp_path / "seg.mp4"
    size = _fragmented(path, street, 9)
    whole, fragments = readable_prefix(path)
    assert (whole, fragments) == (size, 5)  # one fragment per 2 s GOP
    path.write_bytes(path.read_bytes()[: size - 1000])  # a crash tore the last fragment
    kept, fragments = truncate_to_prefix(path)
    assert fragments == 4 and kept == path.stat().st_size < size - 1000
    assert ffprobe_errors(path) == ""


def test_header_only_file_has_no_readable_prefix(tmp_path: Path, street: Footage) -> None:
    path = tmp_path / "seg.mp4"
    _fragmented(path, street, 9)
    path.write_bytes(path.read_bytes()[:900])
    assert readable_prefix(path) == (0, 0)
