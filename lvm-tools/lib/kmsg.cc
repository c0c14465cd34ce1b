// SPDX-License-Identifier: GPL-2.0
#include "kmsg.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace dxm {

KernelLog::KernelLog()
	: fd_(open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC))
{
	if (fd_ && lseek(fd_.get(), 0, SEEK_END) < 0)
		fd_ = Fd();
}

std::string kmsg_record_text(const std::string &record)
{
	size_t semi = record.find(';');
	std::string text;

	if (semi == std::string::npos)
		return "";
	text = record.substr(semi + 1);
	/* continuation lines (" KEY=value") follow the first newline */
	text = text.substr(0, text.find('\n'));
	return text;
}

std::vector<std::string> KernelLog::read_new(const std::vector<std::string> &needles)
{
	std::vector<std::string> out;
	char buf[8192];

	if (!fd_)
		return out;
	for (;;) {
		ssize_t n = read(fd_.get(), buf, sizeof(buf) - 1);

		if (n < 0 && errno == EPIPE)	/* overwritten: skip ahead */
			continue;
		if (n <= 0)
			break;
		std::string text = kmsg_record_text(std::string(buf, n));

		for (const auto &needle : needles)
			if (text.find(needle) != std::string::npos) {
				out.push_back(text);
				break;
			}
	}
	return out;
}

std::string KernelLog::last(const std::vector<std::string> &needles)
{
	auto v = read_new(needles);

	return v.empty() ? "" : v.back();
}

std::string KernelLog::reason(const std::vector<std::string> &needles)
{
	auto v = read_new(needles);

	for (auto it = v.rbegin(); it != v.rend(); ++it)
		if (it->find("preresume failed") == std::string::npos)
			return *it;
	return v.empty() ? "" : v.back();
}

} // namespace dxm
