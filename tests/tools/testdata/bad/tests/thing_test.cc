//= spec#X.1-UE-DO type=test
TEST_CASE("same name") {}
TEST_CASE("same name") {}
//= spec#X.1-UE-DO type=test
int not_a_test_case = 0;
//= spec#X.1-UE-DO type=test
