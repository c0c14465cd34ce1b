// SPDX-License-Identifier: GPL-2.0
#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "size.h"

namespace dxm {

void RateMeter::sample(double t, uint64_t done)
{
	if (!have_ || done < done_) {
		have_ = true;
		t_ = t;
		done_ = done;
		rate_ = 0;
		return;
	}
	if (t - t_ < 0.2)
		return;
	double r = (double)(done - done_) / (t - t_);

	/* exponential smoothing; the first real sample is taken as is */
	rate_ = rate_ > 0 ? 0.7 * rate_ + 0.3 * r : r;
	t_ = t;
	done_ = done;
}

std::optional<double> RateMeter::eta(uint64_t done, uint64_t total) const
{
	if (rate_ <= 0 || done > total)
		return std::nullopt;
	return (double)(total - done) / rate_;
}

std::string format_duration(double s)
{
	long v = s < 0 ? 0 : std::lround(s);

	if (v < 60)
		return fmt::format("{}s", v);
	if (v < 3600)
		return fmt::format("{}:{:02d}", v / 60, (int)(v % 60));
	return fmt::format("{}:{:02d}:{:02d}", v / 3600, (int)(v / 60 % 60),
			   (int)(v % 60));
}

std::string progress_line(const std::string &label, uint64_t done,
			  uint64_t total, double rate,
			  std::optional<double> eta, unsigned width)
{
	double frac = total ? std::min(1.0, (double)done / (double)total) : 1.0;
	std::string tail = fmt::format(" {:5.1f}%", frac * 100);
	std::string speed = rate > 0 ? format_size((uint64_t)(rate * 512)) + "/s"
				     : "--/s";
	int bar;

	tail += "  " + speed;
	tail += "  ETA " + (eta ? format_duration(*eta) : std::string("--"));
	bar = (int)width - (int)label.size() - (int)tail.size() - 3;
	if (bar < 10)
		return label + tail;
	bar = std::min(bar, 50);
	int fill = (int)std::floor(frac * bar);
	return label + " [" + std::string(fill, '#') +
	       std::string(bar - fill, '-') + "]" + tail;
}

std::string spinner_line(const std::string &label, unsigned tick,
			 double elapsed, const std::string &detail,
			 unsigned width)
{
	static const char spin[] = "|/-\\";
	std::string s = fmt::format("{} {} {}  {}", label, spin[tick % 4],
				    format_duration(elapsed), detail);

	if (s.size() > width)
		s.resize(width);
	return s;
}

ProgressDisplay::ProgressDisplay(FILE *stream)
	: stream_(stream), tty_(isatty(fileno(stream)) == 1)
{
}

ProgressDisplay::~ProgressDisplay()
{
	finish();
}

unsigned ProgressDisplay::width() const
{
	struct winsize ws;

	if (ioctl(fileno(stream_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col - 1;
	return 79;
}

void ProgressDisplay::draw(const std::string &line)
{
	std::string l = line;

	if (!tty_)
		return;
	if (l.size() > width())
		l.resize(width());
	/* \r, the line, clear to the end of the line */
	fprintf(stream_, "\r%s\033[K", l.c_str());
	fflush(stream_);
	drawn_ = true;
}

void ProgressDisplay::finish()
{
	if (tty_ && drawn_) {
		fputc('\n', stream_);
		fflush(stream_);
		drawn_ = false;
	}
}

} // namespace dxm
