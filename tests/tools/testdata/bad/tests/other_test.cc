TEST_CASE("asserts an unknown ID") { REQ("X.404-ASSERTED", true); }
