"""Progress lines appear on terminals only, and only for steps big enough to need them."""

import io

from jifen.progress import Progress


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal():
    out = Tty()
    with Progress("读取文件", 300, stream=out) as bar:
        for _ in range(300):
            bar.update()
    text = out.getvalue()
    assert "读取文件" in text and "300/300" in text and text.endswith("\n")


def test_progress_is_quiet_when_not_a_terminal_or_small():
    for stream, total in ((io.StringIO(), 300), (Tty(), 5)):
        with Progress("读取文件", total, stream=stream) as bar:
            for _ in range(total):
                bar.update()
        assert stream.getvalue() == ""
