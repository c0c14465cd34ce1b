// SPDX-License-Identifier: GPL-2.0
/*
 * Progress display for --wait: a bar with rate and ETA when the amount
 * of work is known, a spinner line otherwise.  The formatting is pure;
 * ProgressDisplay draws on a terminal and stays silent elsewhere.
 */
#ifndef DAXMIRROR_PROGRESS_H
#define DAXMIRROR_PROGRESS_H

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace dxm {

/* Smoothed rate of a growing counter (units per second). */
class RateMeter {
public:
	void sample(double t, uint64_t done);
	double rate() const { return rate_; }
	std::optional<double> eta(uint64_t done, uint64_t total) const;

private:
	bool have_ = false;
	double t_ = 0;
	uint64_t done_ = 0;
	double rate_ = 0;
};

/* "5s", "2:03", "1:02:03" */
std::string format_duration(double seconds);

/*
 * "label [#####-----]  45.2%  123.4 MiB/s  ETA 1:23" fitted into width
 * columns; done and total in sectors, rate in sectors per second.
 */
std::string progress_line(const std::string &label, uint64_t done,
			  uint64_t total, double rate,
			  std::optional<double> eta, unsigned width);

/* "label | 0:12 detail" with a turning spinner character */
std::string spinner_line(const std::string &label, unsigned tick,
			 double elapsed, const std::string &detail,
			 unsigned width);

/* Draws on a terminal (isatty of the stream's fd), else does nothing. */
class ProgressDisplay {
public:
	explicit ProgressDisplay(FILE *stream);
	~ProgressDisplay();
	bool active() const { return tty_; }
	/* Columns a line may use: the terminal's width less one, or 79. */
	unsigned width() const;
	void draw(const std::string &line);
	void finish();

private:
	FILE *stream_;
	bool tty_;
	bool drawn_ = false;
};

} // namespace dxm

#endif
