#include <botan/version.h>
#include <z3++.h>
#include <catch2/catch.hpp>
#include <rapidcheck/catch.h>
#include <toml++/toml.h>
#include <nlohmann/json.hpp>
TEST_CASE("smoke") { REQUIRE(Botan::version_major()==2); z3::context c; auto x=c.int_const("x"); z3::solver s(c); s.add(x>1); REQUIRE(s.check()==z3::sat);
 auto t = toml::parse("a = 1"); REQUIRE(t["a"].value<int>()==1); rc::prop("p",[](int a){RC_ASSERT(a==a);}); }
// x
// y
#include "core/errors.h"
TEST_CASE("errs") { REQUIRE(annexo::core::error_info(annexo::core::Error::ok).number == 0); }
#include "core/domain.h"
