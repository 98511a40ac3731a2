"""autograd.files.write_atomic: all of the file or none of it, never through a link."""

import os
import subprocess
import sys
import textwrap

import pytest

from autograd.files import write_atomic


def test_writes_text_and_bytes_and_replaces(tmp_path):
    path = tmp_path / "a.json"
    assert write_atomic(path, "hé") == path and path.read_bytes() == "hé".encode()
    write_atomic(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]  # no temporary left
    assert path.stat().st_mode & 0o777 == 0o644


def test_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "a"
    path.write_text("old")
    path.chmod(0o600)
    write_atomic(path, "new")
    assert (path.read_text(), path.stat().st_mode & 0o777) == ("new", 0o600)


def test_refuses_to_overwrite_when_asked(tmp_path):
    path = tmp_path / "a"
    path.write_text("mine")
    with pytest.raises(FileExistsError, match=r"exists; not overwriting it: '.*/a'"):
        write_atomic(path, "new", overwrite=False)
    assert path.read_text() == "mine"


def test_a_link_is_replaced_not_written_through(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "report.md"
    link.symlink_to(precious)
    with pytest.raises(FileExistsError):
        write_atomic(link, "x", overwrite=False)
    write_atomic(link, "report")
    assert not link.is_symlink() and link.read_text() == "report"
    assert precious.read_text() == "keep me"


def test_a_failure_before_the_rename_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "w.json"
    path.write_text("old, good")

    def fail(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="No space"):
        write_atomic(path, "new" * 1000)
    assert path.read_text() == "old, good"
    assert [p.name for p in tmp_path.iterdir()] == ["w.json"]


def test_a_write_cut_off_by_a_file_size_limit_leaves_the_old_file(tmp_path):
    """A real write that fails part-way: the file-size limit stops it after 1 KiB."""
    path = tmp_path / "w.json"
    path.write_text("old, good")
    code = textwrap.dedent(f"""
        import resource, signal
        from autograd.files import write_atomic
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))
        try:
            write_atomic({str(path)!r}, "x" * 100_000)
        except OSError as e:
            print("failed:", e.errno)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("failed: 27"), done.stderr  # EFBIG
    assert path.read_text() == "old, good"
    assert [p.name for p in tmp_path.iterdir()] == ["w.json"]
