/* Lexical path normalisation: what a path's text says, without asking the
 * filesystem (no symlinks followed). For judging a config from another
 * machine; on this host, resolve the path instead. */
#pragma once

/* "/./etc" -> "/etc", "//etc/" -> "/etc", "/tmp/../root/x" -> "/root/x",
 * "/.." -> "/"; a relative path keeps the ".." that climb above its start
 * ("a/../../b" -> "../b"; "" and "." -> "."). malloc'd, NULL on ENOMEM or
 * for NULL. */
char *bw_path_lexical(const char *path);
