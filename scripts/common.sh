# Shared set-up of scripts/test.sh and scripts/demo.sh: packages, build,
# install, and running a command as an ordinary user in a copy of the tree.
# Sourced, not run.

PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { printf '== %s\n' "$*"; }

# Install what is missing (Debian 12).  Needs root; as another user the
# packages must already be there.
ensure_packages() {
    local want=(make gcc postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR
                postgresql-client-$PG_MAJOR libgsl-dev libipc-run-perl valgrind
                clang libclang-rt-14-dev "$@")
    local missing=()
    local p
    for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages: ${missing[*]} (run as root to install them)" >&2
        return 1
    fi
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Build with -Werror and install into the server's directories.
build_install() {
    log "building"
    make -C "$TOP" -s
    log "installing"
    if [ "$(id -u)" -eq 0 ]; then
        make -C "$TOP" -s install >/dev/null
    else
        sudo make -C "$TOP" -s install >/dev/null
    fi
}

# The user that owns throwaway clusters: initdb refuses root.
cluster_user() {
    if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

# Copy the tree to a fresh directory the cluster user owns; print its path.
user_copy() {
    local u dir
    u=$(cluster_user)
    dir=$(mktemp -d /tmp/risk-run.XXXXXX)
    tar -C "$TOP" --exclude=.git -cf - . | tar -C "$dir" -xf -
    chown -R "$u" "$dir"
    chmod 755 "$dir"
    echo "$dir"
}

# Run a shell command as the cluster user inside directory $1.
as_user() {
    local dir=$1; shift
    local u
    u=$(cluster_user)
    if [ "$(id -u)" -eq 0 ]; then
        su "$u" -s /bin/bash -c "cd '$dir' && $*"
    else
        bash -c "cd '$dir' && $*"
    fi
}
