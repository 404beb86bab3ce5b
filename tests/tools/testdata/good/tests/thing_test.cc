//= spec#X.1-UE-DO type=test
TEST_CASE("X.1-UE-DO: the UE does it") {}
//= spec#X.1-UE-DO type=test
TEST_CASE(
    "X.1-UE-DO: a long name "
    "split by clang-format") {}
//= spec#X.1-UE-DO type=test
TEST_CASE("X.1-UE-DO: a name with "
          // a comment between the literals
          "a comment inside") {}
