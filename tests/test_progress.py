import io

from matchcore._progress import Progress, progress_enabled, track


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nested_bars_draw_on_their_own_line():
    s = io.StringIO()
    with Progress(total=2, desc="match", enabled=True, stream=s, interval=0) as outer:
        for _ in range(2):
            with Progress(total=3, desc="shards", enabled=True, stream=s, interval=0) as inner:
                for _ in range(3):
                    inner.update()
            outer.update()
    text = s.getvalue()
    inner_draws = text.split("\rshards")[1:]
    assert inner_draws
    # every draw of the inner bar starts on the line below the outer one ("\n" before it) ...
    parts = text.split("\rshards")
    assert all(p.endswith("\n") for p in parts[:-1])
    # ... and the outer bar, redrawn after each inner one, ends complete on its own line
    assert text.rstrip("\n").rsplit("\r", 1)[-1].startswith("match: 100%")
    assert "2/2" in text.rsplit("\r", 1)[-1]
    assert outer.n == 2
    assert inner.n == 3


def test_turned_off_by_env_and_flag(monkeypatch):
    monkeypatch.delenv("MATCHCORE_PROGRESS", raising=False)  # CI sets it: start from unset
    tty = Tty()
    assert progress_enabled(None, tty)
    monkeypatch.setenv("MATCHCORE_PROGRESS", "0")
    assert not progress_enabled(None, tty)
    with Progress(total=3, desc="x", stream=tty) as bar:
        bar.update(3)
    assert tty.getvalue() == ""
    assert bar.n == 3
    monkeypatch.delenv("MATCHCORE_PROGRESS")
    quiet = Tty()
    assert list(track(range(4), enabled=False)) == [0, 1, 2, 3]
    with Progress(total=1, stream=quiet, enabled=False) as bar:
        bar.update()
    assert quiet.getvalue() == ""
