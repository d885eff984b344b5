# zsh -f zcomp.zsh 'gvx use ': types the line and a TAB into an interactive zsh (its own
# start-up files, so compinit and gvx's block in .zshrc) on a pseudo-terminal (zpty), and
# prints the candidates zsh's completion system offers, one a line (compadd is wrapped to
# print what it adds).
zmodload zsh/zpty || exit 2
zpty z zsh -i
zpty -w z 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; local -a __hits; builtin compadd -A __hits "$@"; local r=$?; local h; for h in $__hits; do print -r -- "<<$h>>"; done; return r; }'
zpty -w z 'zstyle ":completion:*" list-prompt ""; zstyle ":completion:*" select-prompt ""; PROMPT="%% "; RPROMPT=""'
zpty -w z 'print -r -- __READY__'
zpty -r z line '*__READY__*' || exit 3
zpty -r z line '*__READY__*' || exit 3
zpty -w -n z "$1"$'\t'
out=""
integer n=0
while (( n++ < 300 )); do
  zpty -r -t z chunk && out+=$chunk || { sleep 0.05; [[ $out == *'>>'* ]] && (( n > 40 )) && break; }
done
zpty -d z
print -r -- "${out//$'\r'/}" | grep -o '<<[^<>]*>>' | sed -e 's/^<<//' -e 's/>>$//'
