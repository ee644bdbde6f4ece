#!/usr/bin/env bash
# Install test of the agent's Debian package in a throwaway Debian root (debootstrap + chroot, no Docker):
#   install with apt (dependencies from the root's own packages), isthmus-agent --check as the service user,
#   upgrade to a second build (the user's edited config and a model the user added are kept), remove, purge.
#
#   install-test.sh PATH/isthmus-agent_VERSION_all.deb
#
# The base root (Debian bookworm minbase with openjdk-17-jre-headless and adduser) is made once with
# debootstrap and its default mirror, and cached as a tarball under ${XDG_CACHE_HOME:-~/.cache}/isthmus/;
# later runs unpack it (seconds). Needs root. Exit status: 0 passed, 1 failed, 77 cannot run here (not root,
# or no cached root and no debootstrap).
set -euo pipefail

deb="${1:?usage: install-test.sh PATH/isthmus-agent_VERSION_all.deb}"
suite="${ISTHMUS_DEB_TEST_SUITE:-bookworm}"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/isthmus"
base="$cache_dir/debian-$suite-minbase-jre17.tar.gz"

say() { echo "== install-test: $*"; }
fail() { echo "== install-test: FAILED: $*" >&2; exit 1; }
skip() { echo "== install-test: cannot run here: $*" >&2; exit 77; }

[ -f "$deb" ] || fail "no package at $deb"
[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot, mount)"
command -v dpkg-deb >/dev/null || skip "needs dpkg-deb"

if [ ! -s "$base" ]; then
  command -v debootstrap >/dev/null || skip "no cached root at $base and no debootstrap (apt-get install debootstrap)"
  say "making the base root with debootstrap ($suite, minbase + openjdk-17-jre-headless; a few minutes, once)"
  mkdir -p "$cache_dir"
  fresh="$(mktemp -d /var/tmp/isthmus-debootstrap.XXXXXX)"
  if ! debootstrap --variant=minbase --include=openjdk-17-jre-headless,adduser "$suite" "$fresh/root" \
      >"$fresh/debootstrap.log" 2>&1; then
    tail -20 "$fresh/debootstrap.log" >&2
    rm -rf "$fresh"
    fail "debootstrap failed"
  fi
  tar -C "$fresh/root" -czf "$base.tmp" . && mv "$base.tmp" "$base"
  rm -rf "$fresh"
fi

work="$(mktemp -d /var/tmp/isthmus-install-test.XXXXXX)"
root="$work/root"
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$root"
tar -C "$root" -xzf "$base"
mount -t proc proc "$root/proc"
# no service may start inside the throwaway root
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
apt_install() {
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
expect() { # expect DESCRIPTION COMMAND...: the command must succeed inside the root
  local what="$1"; shift
  in_root sh -c "$*" || fail "$what (inside the root: $*)"
  say "ok: $what"
}

# The second build: the same package under a higher version, whose packaged agent.yaml changed too, so that
# dpkg has to choose between the user's and the package's configuration on upgrade.
version="$(dpkg-deb -f "$deb" Version)"
next="$work/next"
dpkg-deb -R "$deb" "$next"
sed -i "s/^Version: .*/Version: $version.1/" "$next/DEBIAN/control"
printf '\n# (changed in %s.1)\n' "$version" >>"$next/etc/isthmus/agent.yaml"
(cd "$next" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | xargs -0 md5sum >DEBIAN/md5sums)
dpkg-deb --root-owner-group -Zgzip -b "$next" "$work/second.deb" >/dev/null
cp "$deb" "$root/tmp/first.deb"
cp "$work/second.deb" "$root/tmp/second.deb"

say "install $version"
apt_install /tmp/first.deb
expect "package installed" "dpkg-query -W -f='\${Status} \${Version}' isthmus-agent | grep -qx 'install ok installed $version'"
expect "system user isthmus" "getent passwd isthmus | grep -q ':/var/lib/isthmus:/usr/sbin/nologin'"
expect "data folder owned by isthmus" "[ \"\$(stat -c %U:%a /var/lib/isthmus)\" = isthmus:750 ] && [ -d /var/lib/isthmus/models ]"
expect "agent.yaml is a conffile, group isthmus, mode 640" \
  "dpkg-query -W -f='\${Conffiles}' isthmus-agent | grep -q /etc/isthmus/agent.yaml && [ \"\$(stat -c %G:%a /etc/isthmus/agent.yaml)\" = isthmus:640 ]"
expect "hardened unit installed" \
  "grep -qx 'ProtectSystem=strict' /lib/systemd/system/isthmus-agent.service && grep -qx 'ReadWritePaths=/var/lib/isthmus' /lib/systemd/system/isthmus-agent.service"
expect "service enabled" "[ -L /etc/systemd/system/multi-user.target.wants/isthmus-agent.service ]"

say "isthmus-agent --check as the service user"
in_root runuser -u isthmus -- isthmus-agent --check | tee "$work/check.out"
grep -q '^ok   pipeline vibration: model vibration-anomaly v1' "$work/check.out" || fail "--check did not load the example model"
grep -qx 'check passed' "$work/check.out" || fail "--check did not pass"
if in_root runuser -u isthmus -- isthmus-agent --check --config /tmp/nothing.yaml >"$work/bad.out" 2>&1; then
  fail "--check passed on a missing configuration"
fi
grep -q '^FAIL config /tmp/nothing.yaml' "$work/bad.out" || fail "--check did not name the missing configuration"
say "ok: --check fails on a missing configuration"

say "the user edits the configuration and adds a model"
in_root sed -i 's/^  id: gateway-1 /  id: pi-kitchen /' /etc/isthmus/agent.yaml
expect "edited" "grep -q '^  id: pi-kitchen ' /etc/isthmus/agent.yaml"
in_root runuser -u isthmus -- cp /usr/share/isthmus-agent/models/vibration-anomaly.onnx /var/lib/isthmus/models/mine.onnx
in_root runuser -u isthmus -- sh -c 'echo "kept" > /var/lib/isthmus/outbox/marker'

say "upgrade to $version.1"
apt_install /tmp/second.deb
expect "upgraded" "dpkg-query -W -f='\${Version}' isthmus-agent | grep -qx '$version.1'"
expect "the user's configuration kept" "grep -q '^  id: pi-kitchen ' /etc/isthmus/agent.yaml"
expect "the package's new configuration beside it" "grep -q 'changed in $version.1' /etc/isthmus/agent.yaml.dpkg-dist"
expect "the user's model kept" "cmp -s /var/lib/isthmus/models/mine.onnx /usr/share/isthmus-agent/models/vibration-anomaly.onnx"
expect "the outbox kept" "grep -qx kept /var/lib/isthmus/outbox/marker"
in_root runuser -u isthmus -- isthmus-agent --check | tee "$work/check2.out"
grep -q 'gateway pi-kitchen' "$work/check2.out" && grep -qx 'check passed' "$work/check2.out" \
  || fail "--check after the upgrade"

say "remove"
in_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q isthmus-agent
expect "state rc (removed, configuration left)" "dpkg-query -W -f='\${db:Status-Abbrev}' isthmus-agent | grep -q '^rc'"
expect "program gone" "[ ! -e /usr/bin/isthmus-agent ] && [ ! -e /usr/share/isthmus-agent/lib ]"
expect "configuration and data kept on remove" "[ -f /etc/isthmus/agent.yaml ] && [ -f /var/lib/isthmus/models/mine.onnx ]"

say "reinstall after remove, then purge"
apt_install /tmp/second.deb
expect "reinstalled with the kept configuration" "grep -q '^  id: pi-kitchen ' /etc/isthmus/agent.yaml"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q isthmus-agent
expect "purged: no package state" "! dpkg-query -W isthmus-agent 2>/dev/null | grep -q ."
expect "purged: configuration gone" "[ ! -e /etc/isthmus ]"
expect "purged: data gone" "[ ! -e /var/lib/isthmus ]"
expect "purged: unit gone, not enabled" "[ ! -e /lib/systemd/system/isthmus-agent.service ] && [ ! -e /etc/systemd/system/multi-user.target.wants/isthmus-agent.service ]"

say "PASSED (install, --check, upgrade keeping config and models, remove, purge) for $(basename "$deb")"
