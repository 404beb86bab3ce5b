# A shell case: its assertion names a requirement of the spec.
source tests/support/testlib.sh
check_it() {
  annexo_req X.2-PC-LATER true
  annexo_req "${id}" true
}
#= spec#X.1-UE-DO type=test
annexo_case "X.1-UE-DO: a shell case" check_it
#= spec#X.1-UE-DO type=test
annexo_case --level third-party "X.1-UE-DO: a case with its own level" check_it
annexo_finish
