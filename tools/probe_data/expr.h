// PICS selection expressions: a small boolean language over PICS items.
//
//   expr    := or
//   or      := and ( "or" and )*
//   and     := unary ( "and" unary )*
//   unary   := "not" unary | primary
//   primary := "(" or ")" | "true" | "false" | ITEM | ITEM "==" STRING | ITEM "!=" STRING
//
// ITEM is a PICS item ID (PICS_[A-Z0-9_]+). A bare ITEM must be a boolean item;
// ITEM == "value" compares an enumerated item. Items are checked against the
// proforma at parse time: an unknown item, a type mismatch or a value outside
// an enumeration is an error, never a silent false.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace annexo::probe_data {

enum class PicsType { boolean, integer, enumeration, string_list };

struct PicsItemDef {
  std::string id;
  PicsType type = PicsType::boolean;
  std::vector<std::string> values;  // enumeration: the allowed values
  std::vector<std::string> roles;   // pcscf, ue: where the item is asked
  std::string question;
  int line = 0;
};

using Proforma = std::map<std::string, PicsItemDef>;

// A vendor's answer to one item.
struct PicsValue {
  bool b = false;
  long long i = 0;
  std::string s;
  std::vector<std::string> list;
};

using PicsAnswers = std::map<std::string, PicsValue>;

class Expr {
 public:
  struct Node;
  Expr() = default;
  explicit Expr(std::shared_ptr<const Node> root) : root_(std::move(root)) {}
  // Items the expression refers to, sorted.
  std::vector<std::string> items() const;
  // Evaluates against answers; an item with no answer is false (the loader
  // guarantees every proforma item of the role is answered).
  bool eval(const PicsAnswers& answers) const;
  bool valid() const { return root_ != nullptr; }

 private:
  std::shared_ptr<const Node> root_;
};

// Parses `text`; on error returns an invalid Expr and sets `error` to a
// message naming the offending item or the column.
Expr parse_expr(const std::string& text, const Proforma& proforma, std::string& error);

}  // namespace annexo::probe_data
