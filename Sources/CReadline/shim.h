#ifndef TOY_CREADLINE_SHIM_H
#define TOY_CREADLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

/// Swift 6 refuses direct use of readline's mutable C globals; these accessors wrap them.
static inline void toy_rl_set_readline_name(const char *name) { rl_readline_name = name; }
static inline void toy_rl_set_change_environment(int value) { rl_change_environment = value; }
static inline const char *toy_rl_library_version(void) { return rl_library_version; }
#endif
