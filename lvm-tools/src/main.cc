// SPDX-License-Identifier: GPL-2.0
int main() { return 0; }
