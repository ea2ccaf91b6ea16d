# Sourced by the demo and the benchmark: kontora, like git, needs to know
# who makes a commit.  When git has no user.name/user.email (a fresh
# machine, a CI runner), use a private HOME under $identity_dir holding
# one, rather than touch the user's own configuration.
if ! git config user.email >/dev/null 2>&1 || ! git config user.name >/dev/null 2>&1; then
	HOME=$identity_dir/home
	mkdir -p "$HOME"
	git config --global user.name "${identity_name:-Администратор}"
	git config --global user.email "${identity_email:-admin@batiskaf.ru}"
	export HOME
fi
