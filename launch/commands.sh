# Sourced by the launch scripts: run a command, or print it when dry_run=1.
# A printed command is one line, each word quoted for a POSIX shell only where it needs it, so the line
# can be pasted into a shell as is.

dry_run=${dry_run:-0}

# The words, quoted, on one line.
quote() {
  local words=() word
  for word in "$@"; do
    if [[ $word =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
      words+=("$word")
    else
      words+=("'${word//\'/\'\\\'\'}'")
    fi
  done
  printf '%s\n' "${words[*]}"
}

# Runs the command, or prints it (quoted, one line) when dry_run=1.
run() {
  if ((dry_run)); then
    quote "$@"
  else
    "$@"
  fi
}

# Prints the usage text (the caller's $usage) to stderr and exits 2.
usage_error() {
  [[ -n ${1:-} ]] && echo "${0##*/}: $1" >&2
  echo "$usage" >&2
  exit 2
}
