#!/usr/bin/env bash
# Every C++ file of annexo is formatted with the committed .clang-format
# (brief: Style). The tree is found through the .clang-format runfile, which
# links to the source tree; the target is tagged "external" (never cached).
# The check is also run on a deliberately misformatted file, so it can fail.
source tests/support/testlib.sh
root="$(dirname "$(readlink -f .clang-format)")"

check_tree() {
  local files
  files=$(cd "${root}" && git ls-files -- '*.h' '*.cc' '*.cpp' 2>/dev/null | grep -v '/testdata/')
  [[ -n "${files}" ]] || { echo "no C++ files found under ${root}"; return 1; }
  (cd "${root}" && clang-format --style=file --dry-run -Werror ${files})
}

check_misformatted_fails() {
  local dir
  dir="$(mktemp -d)"
  cp "${root}/.clang-format" "${dir}/"
  printf 'int  main( ){return 0 ;}\n' > "${dir}/bad.cc"
  if (cd "${dir}" && clang-format --style=file --dry-run -Werror bad.cc) 2>/dev/null; then
    rm -rf "${dir}"
    echo "clang-format accepted a misformatted file"
    return 1
  fi
  rm -rf "${dir}"
}

annexo_case "style: every C++ file follows .clang-format" check_tree
annexo_case "style: the format check rejects a misformatted file" check_misformatted_fails
annexo_finish
