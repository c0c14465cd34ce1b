// SPDX-License-Identifier: GPL-2.0
#include "process.h"

#include <errno.h>
#include <spawn.h>
#include <sys/wait.h>

#include "errors.h"

extern char **environ;

namespace dxm {

int run_program(const std::vector<std::string> &argv)
{
	std::vector<char *> v;
	pid_t pid;
	int st, r;

	for (const auto &a : argv)
		v.push_back(const_cast<char *>(a.c_str()));
	v.push_back(nullptr);
	r = posix_spawnp(&pid, v[0], nullptr, nullptr, v.data(), environ);
	if (r)
		throw_errno(argv[0], "cannot run", r);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			throw_errno(argv[0], "cannot wait for it", errno);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

} // namespace dxm
