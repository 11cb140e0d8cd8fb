"""A one-line progress bar on stderr: redrawn in place on a terminal, a
plain line every tenth of the work otherwise (logs stay short)."""
import sys
import time


class ProgressBar:
    def __init__(self, label, total, stream=sys.stderr, width=24):
        self.label, self.total, self.stream, self.width = label, max(total, 1), stream, width
        self.start = time.monotonic()
        self.tty = stream.isatty()
        self.next_tenth = 1

    def elapsed(self):
        return time.monotonic() - self.start

    def _line(self, done, note):
        fraction = min(done / self.total, 1.0)
        filled = int(fraction * self.width)
        rate = done / max(self.elapsed(), 1e-9)
        eta = (self.total - done) / rate if rate > 0 else 0.0
        return "%s [%s%s] %3d%% %d/%d %.0f img/s ETA %02d:%02d %s" % (
            self.label, "#" * filled, " " * (self.width - filled),
            fraction * 100, done, self.total, rate, eta // 60, eta % 60, note)

    def update(self, done, note=""):
        if self.tty:
            self.stream.write("\r\033[K" + self._line(done, note))
            self.stream.flush()
        elif done < self.total and done * 10 >= self.next_tenth * self.total:
            self.stream.write(self._line(done, note) + "\n")
            self.stream.flush()
            while self.next_tenth * self.total <= done * 10:
                self.next_tenth += 1

    def finish(self, note=""):
        line = self._line(self.total, note) + " in %.1f s" % self.elapsed()
        self.stream.write(("\r\033[K" if self.tty else "") + line + "\n")
        self.stream.flush()
