#!/usr/bin/zsh -f
# Prints what zsh's own completion system offers for a command line, one candidate per line:
#   zsh -f zsh_complete.zsh DIR 'leakdemo --mode '
# DIR holds the completion function (_leakdemo). An interactive `zsh -f` runs in a pseudo-terminal
# (zsh/zpty) with compinit; TAB runs the completer, and a compadd wrapper prints each match it is given
# between two NUL-marked lines, which this script reads back. After the same idea in Valodim's
# zsh-capture-completion.
zmodload zsh/zpty || { print -u2 'zsh_complete: no zsh/zpty'; exit 2 }
fpath_dir=$1 line=$2

zpty z zsh -f -i
zpty -w z "PROMPT= RPROMPT=; fpath=(${(q)fpath_dir} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false'
zpty -w z 'bindkey "^I" complete-word; marker() { print -r -- $'"'"'\0MARK'"'"' }'
zpty -w z 'compprefuncs=(marker); comppostfuncs=(marker exit)'
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits; builtin compadd -A __hits "$@"
  local hit; for hit in $__hits; print -r -- "MATCH:$hit"
}'
zpty -w z "print READY"
while zpty -r z out; do [[ $out == READY* ]] && break; done
zpty -w -n z "$line"$'\t'

integer marks=0
while zpty -r z out; do
  [[ $out == *MARK* ]] && { (( ++marks >= 2 )) && break; continue }
  out=${out%%$'\r'*}
  [[ $out == MATCH:* ]] && print -r -- ${out#MATCH:}
done
zpty -d z
