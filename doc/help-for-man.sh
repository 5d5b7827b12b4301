#!/bin/sh
# The program help2man reads instead of leakdemo itself: `help-for-man.sh LEAKDEMO --help|--version`.
# It passes leakdemo's own --help through with three small, generic changes, so that the man page's options
# always come from the binary but look like a man page:
#   - CLI11 writes `-h,--help`; help2man only recognises the names after `, ` (`-h, --help`) as options;
#   - the `Examples:` and `Exit codes:` blocks are dropped: doc/leakdemo.h2m has fuller EXAMPLES and
#     EXIT STATUS sections (tests/e2e/test_install.py checks every exit code of --help is in the page);
#   - every subcommand listed under `Subcommands:` gets its own `leakdemo SUB --help` appended under a
#     COMMANDS heading, so a subcommand's options are in the page too; its block of the top-level options
#     it takes too (`Options of leakdemo it takes too:`) becomes one line naming them, as they are
#     described under OPTIONS already.
# POSIX sh + sed + awk only: it runs at build time, where python3 is not a dependency.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 LEAKDEMO --help|--version" >&2
    exit 2
fi
leakdemo=$1
if [ "$2" != --help ]; then
    exec "$leakdemo" "$2"
fi

# `-a,--bb,--cc` -> `-a, --bb, --cc` in the names at the start of an option line only.
split_names='/^ *-/{
:again
s/^\( *-[^ ]*[^ ,]\),-/\1, -/
t again
}'

# A subcommand's block of the top-level options it takes: one sentence of their long names.
name_shared='/^Options of .* it takes too:$/ { shared = 1; names = ""; next }
shared && /^  -/ { count = split($1, names_here, ","); names = names (names == "" ? "" : ", ") names_here[count]; next }
shared && /^$/ { print "It takes these options of leakdemo too: " names "."; print ""; shared = 0; next }
shared { next }
{ print }'

# Drops a block from its heading line to the next empty line.
drop_blocks='/^(Examples|Exit codes):$/ { skipping = 1; next }
skipping && /^$/ { skipping = 0; next }
!skipping { print }'

help=$("$leakdemo" --help)
printf '%s\n' "$help" | awk "$drop_blocks" | sed "$split_names"

subcommands=$(printf '%s\n' "$help" | awk '/^Subcommands:$/ { listing = 1; next }
    listing && /^$/ { exit }
    listing && /^  [^ -]/ { print $1 }')
[ -n "$subcommands" ] || exit 0

printf '\n*Commands*\n'
for subcommand in $subcommands; do
    # The lines before `Usage:` (the description, wrapped to 80 columns) become one indented paragraph under
    # a `leakdemo SUB [...]:` heading; the subcommand's own `Usage:` and `Options:` lines would restart
    # help2man's SYNOPSIS and OPTIONS.
    "$leakdemo" "$subcommand" --help | awk '
        !usage && !/^Usage: / { description = description (description == "" ? "" : " ") $0; next }
        /^Usage: / { usage = 1 }
        /^Usage: / { sub(/^Usage: /, ""); print $0 ":"; if (description != "") print "  " description; next }
        /^Options:$/ { next }
        { print }' | awk "$drop_blocks" | awk "$name_shared" | sed "$split_names"
    echo  # the footer's paragraph ends here, not in the next subcommand's heading
done
