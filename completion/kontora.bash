# bash completion for kontora(1).  make install puts it where
# bash-completion looks for it (share/bash-completion/completions/kontora);
# or source it from ~/.bashrc.  The candidates come from kontora itself
# (kontora __complete WORD...), so that they are the books' own: record
# types, fields, ids from the index, dictionary ids, logins, transitions.

# _kontora_words: sets words (the words of the line up to the cursor, the
# last the one being completed) from COMP_WORDS and COMP_CWORD, gluing
# back what bash split at = and : (COMP_WORDBREAKS), so that
# "--set stage=ne" is one word as kontora reads it.
_kontora_words() {
	local i w
	words=()
	for ((i = 1; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ ${#words[@]} -gt 0 && ( $w == [=:]* || ${words[-1]} == *[=:] ) ]]; then
			words[-1]+=$w
		else
			words+=("$w")
		fi
	done
	[[ ${#words[@]} -eq 0 ]] && words=("")
}

_kontora() {
	local words cur prefix IFS=$'\n'
	_kontora_words
	cur=${words[-1]}
	COMPREPLY=($(command "${COMP_WORDS[0]}" __complete "${words[@]}" 2>/dev/null))
	# bash replaces only what follows the last = or : of the word.
	if [[ $cur == *[=:]* && ${COMP_WORDS[COMP_CWORD]} != "$cur" ]]; then
		prefix=${cur%"${cur##*[=:]}"}
		COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
	fi
	# A field of --set goes on with its value: no space after "stage=".
	if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
		compopt -o nospace 2>/dev/null
	fi
	return 0
}

complete -F _kontora kontora
