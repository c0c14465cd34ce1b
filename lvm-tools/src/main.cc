// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror: the admin tool of the daxmirror device-mapper target.
 * A thin main: find the command in the table, run it, map any exception
 * to "daxmirror <command>: <what>: <why>" and an exit code.
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"
#include "errors.h"

using namespace dxm;

static const Command commands[] = {
	{ "create", "create a mirror from two legs", cmd_create },
	{ "convert", "make a filesystem's device leg 0 of a new mirror",
	  cmd_convert },
	{ "assemble", "start an existing mirror from its legs", cmd_assemble },
	{ "table", "print the device-mapper table line of a new mirror",
	  cmd_table },
	{ "status", "show the state of mirrors", cmd_status },
	{ "list", "list legs found by their superblocks", cmd_list },
	{ "examine", "show the metadata of legs", cmd_examine },
	{ "detail", "show a mirror's table, state and leg metadata",
	  cmd_detail },
	{ "flush", "make hot regions identical on both legs", cmd_flush },
	{ "rescan", "re-read bad-block lists and repair", cmd_rescan },
	{ "scrub", "compare (or repair) both legs", cmd_scrub },
	{ "rebuild", "copy everything onto one leg", cmd_rebuild },
	{ "replace", "put a new device in place of a leg", cmd_replace },
	{ "re-add", "put a leg that dropped out back (bitmap resync)",
	  cmd_readd },
	{ "grow", "grow to what larger legs can hold", cmd_grow },
	{ "fail", "mark a leg dead", cmd_fail },
	{ "monitor", "print one JSON object per event", cmd_monitor },
	{ "remove", "stop a mirror", cmd_remove },
	{ "zero-superblock", "erase the superblock of legs no longer used",
	  cmd_zero_superblock },
};

static void usage(FILE *f)
{
	fputs("Usage: daxmirror COMMAND [ARGS...]\n\nCommands:\n", f);
	for (const auto &c : commands)
		fprintf(f, "  %-16s %s\n", c.name, c.summary);
	fputs("\n'daxmirror COMMAND --help' shows the options of a command.\n",
	      f);
}

/* A failed write of the output is an error too (exit code 4). */
static int finish_output(const char *command, int code)
{
	errno = 0;
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		fprintf(stderr, "daxmirror %s: standard output: %s\n", command,
			strerror(errno ? errno : EIO));
		return EXIT_ERROR;
	}
	return code;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("daxmirror: missing command\n", stderr);
		usage(stderr);
		return EXIT_USAGE;
	}
	std::string name = argv[1];
	Args rest(argv + 2, argv + argc);
	if (name == "help" && argc == 3) {
		/* "help COMMAND" is "COMMAND --help" */
		name = argv[2];
		rest = { "--help" };
	} else if (name == "--help" || name == "-h" || name == "help") {
		usage(stdout);
		return finish_output("help", 0);
	}
	if (name == "--version" || name == "-V") {
		printf("daxmirror %s\n", DXM_TOOL_VERSION);
		return finish_output("version", 0);
	}
	for (const auto &c : commands) {
		if (name != c.name)
			continue;
		int code;
		try {
			code = c.run(rest);
		} catch (...) {
			ErrorReport r = describe_exception(
				c.name, std::current_exception());
			fflush(stdout);
			fprintf(stderr, "%s\n", r.message.c_str());
			code = r.exit_code;
		}
		return finish_output(c.name, code);
	}
	fprintf(stderr, "daxmirror: '%s': unknown command\n", name.c_str());
	usage(stderr);
	return EXIT_USAGE;
}
