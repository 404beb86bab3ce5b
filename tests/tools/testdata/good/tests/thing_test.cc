//= spec#X.1-UE-DO type=test
TEST_CASE("X.1-UE-DO: the UE does it") { REQ("X.1-UE-DO", thing() == 1); }
//= spec#X.1-UE-DO type=test
TEST_CASE(
    "X.1-UE-DO: a long name "
    "split by clang-format") {
  REQ_REQUIRE(
      "X.1-UE-DO", thing() == 1);
}
//= spec#X.1-UE-DO type=test
TEST_CASE("X.1-UE-DO: a name with "
          // a comment between the literals
          "a comment inside") {
  rc::check([] { RC_REQ("X.2-PC-LATER", true); });
}
