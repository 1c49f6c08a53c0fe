#ifndef TOY_CREADLINE_SHIM_H
#define TOY_CREADLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

// Swift 6 refuses direct use of readline's mutable C globals; these accessors wrap them.
static inline void toy_rl_set_readline_name(const char *name) { rl_readline_name = name; }
static inline void toy_rl_set_change_environment(int value) { rl_change_environment = value; }
static inline void toy_rl_set_catch_signals(int value) { rl_catch_signals = value; }
static inline const char *toy_rl_library_version(void) { return rl_library_version; }
static inline void toy_rl_set_signal_event_hook(rl_hook_func_t *hook) { rl_signal_event_hook = hook; }
static inline void toy_rl_set_done(int value) { rl_done = value; }
static inline void toy_rl_set_completion(rl_completion_func_t *function) { rl_attempted_completion_function = function; }
static inline void toy_rl_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline void toy_rl_set_attempted_completion_over(int value) { rl_attempted_completion_over = value; }
static inline const char *toy_rl_line_buffer(void) { return rl_line_buffer; }
static inline void toy_rl_set_basic_word_break_characters(const char *s) { rl_basic_word_break_characters = s; }
static inline int toy_history_length(void) { return history_length; }
static inline int toy_history_base(void) { return history_base; }
// A multi-line cell is one history entry across restarts: each entry is written after a
// `#TIMESTAMP` line, and reading joins the lines up to the next one.
static inline void toy_history_keep_multiline_entries(void) {
  history_comment_char = '#';
  history_write_timestamps = 1;
  history_multiline_entries = 1;
}

static inline void toy_rl_set_getc_function(rl_getc_func_t *function) { rl_getc_function = function; }
#endif
