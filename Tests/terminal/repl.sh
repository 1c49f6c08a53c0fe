#!/usr/bin/env bash
# Drives the real toy binary in a pseudo-terminal (tmux): the prompt, completion,
# Ctrl-C during training, Ctrl-D. Polls the screen with timeouts, never fixed sleeps.
# Usage: Tests/terminal/repl.sh PATH/TO/toy   — prints "N passed, N failed".
set -uo pipefail
# Widths below count characters, not bytes.
export LC_ALL=C.UTF-8
toy=$(realpath "${1:?usage: repl.sh PATH/TO/toy}")
socket="toy-test-$$"
state=$(mktemp -d)
# The sessions of the resize, live and progress tests keep their history apart, so that the
# history test reads the main session's alone.
other_state=$(mktemp -d)
passed=0
failed=0
cleanup() { tmux -L "$socket" kill-server 2>/dev/null; rm -rf "$state" "$other_state"; }
trap cleanup EXIT

# widest_line: the length of the longest line on standard input, trailing spaces left out.
widest_line() {
  local widest=0 line
  while IFS= read -r line; do
    line="${line%"${line##*[! ]}"}"
    ((${#line} > widest)) && widest=${#line}
  done
  echo "$widest"
}

# target: the tmux session the helpers read and type into (t, or a test's own).
target=t
screen() { tmux -L "$socket" capture-pane -p -t "$target" -S -200; }
# wait_for PATTERN SECONDS: polls the screen until grep -E finds PATTERN.
wait_for() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    screen | grep -qE -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
# wait_count PATTERN N SECONDS: polls until PATTERN matches more than N lines of the screen.
wait_count() {
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    (($(screen | grep -cE -- "$1") > $2)) && return 0
    sleep 0.1
  done
  return 1
}
check() {
  if "$@"; then passed=$((passed + 1)); echo "ok: ${label}"; else failed=$((failed + 1)); echo "FAILED: ${label}"; screen | grep -v '^$' | tail -15; fi
}
keys() { tmux -L "$socket" send-keys -t "$target" "$@"; }
# start_session NAME COLUMNS ROWS [ENV...]: a new toy prompt in its own session on our server,
# with its own history (other_state); ENV are more env(1) arguments (-u COLORFGBG,
# COLORFGBG='0;15'). The session becomes the target; this waits for its first prompt.
start_session() {
  local name=$1 columns=$2 rows=$3
  shift 3
  tmux -L "$socket" new-session -d -s "$name" -x "$columns" -y "$rows" \
    "env $* XDG_STATE_HOME=$other_state TERM=xterm-256color $toy; sleep 30"
  target=$name
  wait_for '^In \[1\]:' 20
}
# end_session: closes the target session and goes back to the first one.
end_session() {
  tmux -L "$socket" kill-session -t "$target"
  target=t
}

tmux -L "$socket" new-session -d -s t -x 110 -y 40 "env XDG_STATE_HOME=$state TERM=xterm-256color $toy; echo toy-exited-\$?; sleep 30"

label="the banner and the first prompt appear"
check wait_for '^In \[1\]:' 20

label="tab completes a statement name"
keys 'sh' Tab
check wait_for '^In \[1\]: show$' 5
keys C-u

label="tab completes a function where an expression goes"
keys 'x = lin' Tab
check wait_for '^In \[1\]: x = linspace\($' 5
keys C-u

label="a cell runs and its output follows Out[n]"
keys 'print 2^-3' Enter
check wait_for '^Out\[1\]: 0.125' 10

label="Ctrl-C during train stops at a step boundary and keeps the model"
keys 'model n=400 m=30 density=p for p in [1, 0.3, 0.1, 0.03]' Enter
keys 'train 1000000' Enter
if wait_for 'ETA' 60; then
  keys C-c
  check wait_for 'interrupted: training stopped at a step boundary' 60
else
  label="the progress line appears during train"
  check false
  keys C-c
fi

label="the kept model has trained some but not all steps"
keys 'print steps' Enter
wait_for '^Out\[4\]: [0-9]+' 20
steps=$(screen | grep -oE '^Out\[4\]: [0-9]+' | grep -oE '[0-9]+$' | tail -1)
check test "${steps:-0}" -gt 0 -a "${steps:-0}" -lt 1000000

label="Ctrl-C at the prompt discards the line and keeps the cell number"
keys 'abc'
keys C-c
check wait_for '^In \[5\]:$' 10

cursor_visible() { [[ $(tmux -L "$socket" display -p -t t '#{cursor_flag}') == 1 ]]; }

label="train … live redraws a frame in place, with the cursor hidden"
keys 'model n=200 m=20 density=p for p in [1, 0.1]' Enter
keys 'train 1000000 live=norms' Enter
if wait_for 'model2: step [0-9]+ \([0-9]+/1000000\)' 60; then
  # A later frame (another step count) has replaced the first one: one header on screen.
  first=$(screen | grep -oE 'model2: step [0-9]+ \(' | tail -1)
  wait_changed() {
    local deadline=$((SECONDS + 20))
    while ((SECONDS < deadline)); do
      [[ $(screen | grep -oE 'model2: step [0-9]+ \(' | tail -1) != "$first" ]] && return 0
      sleep 0.1
    done
    return 1
  }
  wait_changed
  frames=$(screen | grep -cE 'model2: step [0-9]+ \(')
  check test "$frames" -eq 1 -a "$(tmux -L "$socket" display -p -t t '#{cursor_flag}')" = 0
  label="Ctrl-C during a live view stops, draws the model and shows the cursor again"
  before=$(screen | grep -cE 'interrupted: training stopped')
  keys C-c
  check wait_count 'interrupted: training stopped' "$before" 60
  label="the cursor is visible after the live view"
  check cursor_visible
else
  label="a live frame appears during train … live"
  check false
  keys C-c
fi

# The workshop plan's model: dense, so the room sees the pentagon form as ↓ makes it sparser.
label="explore opens full screen, its keys below and the sparser key beside the density"
keys 'model n=5 m=2 importance=0.9^i density=1' Enter
keys 'explore' Enter
check wait_for 'density=1   ↓ sparser  ↑ denser' 20
label="explore starts in slow motion and shows its speed"
check wait_for 'speed 20 steps/frame \(< >\)' 5
label="↓ makes the explored setting sparser, and the view says so"
keys Down
check wait_for '^last change: sparser: density 1 → 0.562 \(z replays it\)' 10
keys Down
label="a second ↓ goes a further quarter decade"
check wait_for '^model n=5 m=2 importance=0.9\^i density=0.316' 10
label="> speeds it up"
keys '>'
check wait_for 'speed 50 steps/frame' 5
label="z replays the last change from the model before it"
keys z
check wait_for '^replay: the model just before the last change' 5
label="q leaves, restores the screen and prints the statement to paste"
keys q
check wait_for 'explored: model n=5 m=2 importance=0.9\^i density=0.316' 10
label="the cursor is visible after explore"
check cursor_visible
label="Ctrl-C in explore leaves it too, with the terminal restored"
before=$(screen | grep -cE 'explored: model')
keys 'explore' Enter
wait_for 'q quit' 20
keys C-c
check wait_count 'explored: model' "$before" 10
label="the cursor is visible after Ctrl-C in explore"
check cursor_visible

label="history is saved in the XDG state directory"
check grep -q 'print 2^-3' "$state/toy/history"

# -l: tmux reads a bare "end" as the End key.
keys 'for d in [7] do' Enter 'print d' Enter
keys -l end
keys Enter
wait_for ': 7$' 10
# A second session, its own name on the same server: the prompt follows a resize (a font
# zoomed for a projector) in what it draws and in %config.
label="a resized terminal: the prompt appears at 200 columns"
check start_session r 200 50
keys 'model n=5 m=2 density=p for p in [1, 0.3, 0.1, 0.03, 0.01]; train 300' Enter
wait_for '^In \[2\]:' 60
tmux -L "$socket" resize-window -t r -x 100 -y 50
# Wait until tmux has resized the pane before typing.
while [[ $(tmux -L "$socket" display -p -t r '#{pane_width}') != 100 ]]; do sleep 0.1; done
keys 'show geometry' Enter
wait_for '^In \[3\]:' 30
# -J joins lines the terminal wrapped: a plot drawn for 200 columns shows as longer lines.
widest=$(tmux -L "$socket" capture-pane -p -J -t r -S -200 | sed -n '/show geometry/,$p' | widest_line)
label="show geometry after a resize to 100 columns fits in 100 (widest line: $widest)"
check test "$widest" -le 100 -a "$widest" -gt 60
keys '%config' Enter
label="%config shows the current width"
check wait_for '^width = auto \(100\)' 10
keys C-d
end_session

# --theme auto without COLORFGBG asks the terminal with OSC 11. This tmux (3.3a) answers the
# device-attributes request sent with it but not OSC 11 itself: the prompt must come at once,
# with none of the reply's bytes typed into it, and %config says what auto stands for.
started=$(date +%s%N)
start_session o 100 30 -u COLORFGBG
waited=$((($(date +%s%N) - started) / 1000000))
label="with no COLORFGBG the prompt starts promptly (${waited} ms) and nothing of the terminal's reply lands in it"
check test "$waited" -lt 3000 -a "$(screen | grep -c '^In \[1\]: *$')" -eq 1
keys '%config' Enter
label="%config says what theme = auto stands for"
check wait_for '^theme = auto \((dark|light|not known: palettes as they are)\)$' 10
keys C-d
end_session
start_session o 100 30 "COLORFGBG='0;15'"
keys '%config' Enter
label="COLORFGBG=0;15 (black on white) makes theme = auto light"
check wait_for '^theme = auto \(light\)$' 10
keys C-d
end_session

# A live view follows a resize while the model trains: later frames fit the new width.
start_session z 160 40
keys 'model n=5 m=2 density=p for p in [1, 0.3, 0.1]' Enter
keys 'train 1000000 live' Enter
# widest_joined: the widest line on the screen, lines the terminal wrapped joined again.
widest_joined() { tmux -L "$socket" capture-pane -p -J -t "$target" | widest_line; }
if wait_for 'model1: step [0-9]+ \(' 60; then
  before=$(widest_joined)
  tmux -L "$socket" resize-window -t z -x 80 -y 40
  deadline=$((SECONDS + 20))
  while ((SECONDS < deadline)) && (($(widest_joined) > 80)); do sleep 0.2; done
  after=$(widest_joined)
  label="a live view resized from 160 to 80 columns draws its next frames in 80 ($before, then $after)"
  check test "$before" -gt 80 -a "$after" -le 80 -a "$(tmux -L "$socket" capture-pane -p -t z | grep -cE 'model1: step [0-9]+ \(')" -eq 1
  keys C-c
else
  label="a live frame appears at 160 columns"
  check false
fi
end_session

# The progress line in a narrow terminal: it fits (no wrapped, stale copies), keys typed
# while training wait for the next prompt instead of landing in the line, and one summary
# line stays when training ends.
start_session p 60 30
keys 'model n=20 m=5 density=0.1; train 8000' Enter
if wait_for 'ETA' 30; then
  keys 'print 7'
  wait_for '^In \[2\]:' 120
  # What is on the screen now, wrapped lines joined, up to the next prompt.
  training=$(tmux -L "$socket" capture-pane -p -J -t p -S -200 | sed -n '/train 8000/,/^In \[2\]/p')
  widest=$(widest_line <<<"$training")
  label="the progress line fits 60 columns (widest line: $widest) and leaves no stale copies"
  check test "$widest" -le 60 -a "$(grep -c 'ETA' <<<"$training")" -eq 0
  label="one summary line (steps, loss, time) stays when training ends"
  check test "$(grep -cE '^trained 8000 steps in [0-9.]+ s, loss [0-9]' <<<"$training")" -eq 1
  label="keys typed during training go to the next prompt, not into the progress line"
  check test "$(grep -c 'pri' <<<"$training")" -eq 1 -a "$(grep -c '^In \[2\]: print 7$' <<<"$training")" -eq 1
else
  label="the progress line appears during train at 60 columns"
  check false
fi
keys C-u C-d
end_session

# The headline model's live view: WᵀW keeps one cell per feature (20 rows, no block
# averaging) and the frame fills the screen, at 100×40 with the norm bars beside WᵀW, and
# on narrow or short screens (80×24, 60×30) side by side or stacked, whichever keeps it.
live_view_at() {
  local columns=$1 rows=$2 session="l$1x$2"
  start_session "$session" "$columns" "$rows"
  keys 'model n=20 m=5 importance=0.7^i sparsity=0.9' Enter
  keys 'train 10000 live' Enter
  if wait_for 'model1: step [0-9]+ \([0-9]+/10000\)' 60; then
    # The first frame is written onto an empty screen: on a loaded machine the header can
    # be on screen before the rows under it. Its last line is the superposition colour bar.
    wait_for '^ *superposition ' 30
    frame=$(tmux -L "$socket" capture-pane -p -t "$session")
    # Matrix lines start with an optional row label and a run of half blocks: two columns
    # per cell a line per row, or one column per cell and two rows per line.
    matrix=$(grep -E '^ *[0-9]* ▄{20,}' <<<"$frame")
    lines=$(grep -c . <<<"$matrix")
    run=$(head -1 <<<"$matrix" | grep -oE '▄{20,}' | head -1)
    drawn=$((${#run} >= 40 ? lines : 2 * lines))
    label="train 10000 live at ${columns}×${rows} draws WᵀW with 20 rows ($drawn) and no block averaging"
    check test "$drawn" -eq 20 -a "$(grep -c 'averaged in' <<<"$frame")" -eq 0
    label="at ${columns}×${rows} the norm bars are on screen with the frame's header, drawn once"
    check test "$(grep -c '‖W_i‖' <<<"$frame")" -eq 1 -a "$(grep -cE 'model1: step' <<<"$frame")" -eq 1
    # From the frame's header to its last drawn row: the screen's height, less the two rows
    # above it (the cell and its statement) and a little.
    used=$(sed -n '/model1: step/,$p' <<<"$frame" | sed 's/ *$//' | awk 'NF { last = NR } END { print last + 0 }')
    label="the live view at ${columns}×${rows} uses the screen's height ($used of $rows rows)"
    check test "$used" -ge $((rows - 6))
    keys C-c
    if ((columns == 100)); then
      label="at 100×40 the norm bars sit beside WᵀW"
      check test "$(grep -cE '▄▄ +[0-9.]*┤' <<<"$frame")" -ge 1
      printf '%s\n' "$frame" >"${LIVE_CAPTURE:-/dev/null}"
    fi
  else
    label="a live frame of the n=20 model appears at ${columns}×${rows}"
    check false
  fi
  end_session
}
live_view_at 100 40
live_view_at 80 24
live_view_at 60 30

label="Ctrl-D on an empty line leaves"
keys C-d
check wait_for 'toy-exited-0' 10

label="after a restart, ↑ gives a multi-line cell whole"
tmux -L "$socket" new-session -d -s again -x 110 -y 40 "env XDG_STATE_HOME=$state TERM=xterm-256color $toy; sleep 30"
again() { tmux -L "$socket" capture-pane -p -t again; }
deadline=$((SECONDS + 20))
until again | grep -q '^In \[1\]:' || ((SECONDS > deadline)); do sleep 0.1; done
tmux -L "$socket" send-keys -t again Up
deadline=$((SECONDS + 5))
until again | grep -q '^In \[1\]: for d in \[7\] do' || ((SECONDS > deadline)); do sleep 0.1; done
check eval "again | grep -q '^In \[1\]: for d in \[7\] do'"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
