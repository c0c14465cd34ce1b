// SPDX-License-Identifier: GPL-2.0
#include "size.h"

#include <cctype>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace dxm {

namespace {

struct Number {
	uint64_t whole = 0;
	uint64_t frac = 0;	/* fraction digits as an integer */
	uint64_t frac_div = 1;	/* 10^(number of fraction digits) */
	size_t end = 0;		/* index after the number */
};

constexpr uint64_t U64_MAX = std::numeric_limits<uint64_t>::max();

Number parse_number(const std::string &t, unsigned max_frac_digits)
{
	Number n;
	size_t i = 0;

	if (t.empty() || !isdigit(static_cast<unsigned char>(t[0])))
		throw std::invalid_argument("not a number");
	for (; i < t.size() && isdigit(static_cast<unsigned char>(t[i])); i++) {
		unsigned d = t[i] - '0';

		if (n.whole > (U64_MAX - d) / 10)
			throw std::invalid_argument("number too large");
		n.whole = n.whole * 10 + d;
	}
	if (i < t.size() && t[i] == '.') {
		unsigned digits = 0;

		i++;
		if (i >= t.size() || !isdigit(static_cast<unsigned char>(t[i])))
			throw std::invalid_argument("not a number");
		for (; i < t.size() && isdigit(static_cast<unsigned char>(t[i]));
		     i++) {
			if (++digits > max_frac_digits)
				throw std::invalid_argument(
					"too many decimal places");
			n.frac = n.frac * 10 + (t[i] - '0');
			n.frac_div *= 10;
		}
	}
	n.end = i;
	return n;
}

/* whole * mult + frac * mult / frac_div, exactly, or throw */
uint64_t scale(const Number &n, uint64_t mult)
{
	unsigned __int128 v = (unsigned __int128)n.whole * mult;
	unsigned __int128 f = (unsigned __int128)n.frac * mult;

	if (f % n.frac_div)
		throw std::invalid_argument("not a whole number of bytes");
	v += f / n.frac_div;
	if (v > U64_MAX)
		throw std::invalid_argument("number too large");
	return static_cast<uint64_t>(v);
}

} // namespace

uint64_t parse_size(const std::string &text)
{
	Number n = parse_number(text, 6);
	std::string unit = text.substr(n.end);
	uint64_t mult;

	if (unit.empty() || unit == "B" || unit == "b")
		mult = 1;
	else if (unit == "s" || unit == "S")
		mult = 512;
	else {
		std::string rest = unit.substr(1);

		if (!rest.empty() && rest != "B" && rest != "iB")
			throw std::invalid_argument("unknown unit '" + unit +
						    "' (use K, M, G, T or s)");
		switch (unit[0]) {
		case 'k': case 'K': mult = 1ULL << 10; break;
		case 'm': case 'M': mult = 1ULL << 20; break;
		case 'g': case 'G': mult = 1ULL << 30; break;
		case 't': case 'T': mult = 1ULL << 40; break;
		default:
			throw std::invalid_argument("unknown unit '" + unit +
						    "' (use K, M, G, T or s)");
		}
	}
	if (mult == 1 && n.frac)
		throw std::invalid_argument("not a whole number of bytes");
	return scale(n, mult);
}

uint64_t parse_percent(const std::string &text)
{
	Number n;

	if (text.empty() || text.back() != '%')
		throw std::invalid_argument("not a percentage");
	n = parse_number(text.substr(0, text.size() - 1), 4);
	if (n.end != text.size() - 1)
		throw std::invalid_argument("not a percentage");
	if (n.whole > 100)
		throw std::invalid_argument("more than 100%");
	/* ppm = (whole + frac / frac_div) * 10000 */
	return n.whole * 10000 + n.frac * 10000 / n.frac_div;
}

uint64_t parse_u64(const std::string &text)
{
	Number n = parse_number(text, 0);

	if (n.end != text.size())
		throw std::invalid_argument("not a whole number");
	return n.whole;
}

std::string format_size(uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	unsigned u = 0;
	char buf[64];

	while (u + 1 < sizeof(units) / sizeof(units[0]) &&
	       bytes >= (1ULL << (10 * (u + 1))))
		u++;
	if (!u || bytes % (1ULL << (10 * u)) == 0)
		snprintf(buf, sizeof(buf), "%llu %s",
			 (unsigned long long)(bytes >> (10 * u)), units[u]);
	else
		snprintf(buf, sizeof(buf), "%.2f %s",
			 (double)bytes / (double)(1ULL << (10 * u)), units[u]);
	return buf;
}

} // namespace dxm
