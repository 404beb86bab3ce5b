#include "tools/probe_data/expr.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace annexo::probe_data {

struct Expr::Node {
  enum Kind { constant, item, equals, not_equals, negation, conjunction, disjunction };
  Kind kind = constant;
  bool value = false;
  std::string name, literal;
  std::shared_ptr<const Node> left, right;
};

namespace {

using NodeP = std::shared_ptr<const Expr::Node>;

struct Token {
  enum Kind { end, ident, string, lparen, rparen, eq, ne, bad };
  Kind kind = end;
  std::string text;
  std::size_t column = 0;  // 1-based
};

class Parser {
 public:
  Parser(const std::string& text, const Proforma& proforma) : text_(text), proforma_(proforma) {
    next();
  }

  NodeP parse(std::string& error) {
    NodeP n = parse_or();
    if (n && tok_.kind != Token::end) fail("unexpected '" + tok_.text + "'");
    if (!error_.empty()) {
      error = error_;
      return nullptr;
    }
    return n;
  }

 private:
  void fail(const std::string& what) {
    if (error_.empty()) error_ = "column " + std::to_string(tok_.column) + ": " + what;
  }

  void next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    tok_ = Token{};
    tok_.column = pos_ + 1;
    if (pos_ >= text_.size()) return;
    const char c = text_[pos_];
    if (c == '(' || c == ')') {
      tok_.kind = c == '(' ? Token::lparen : Token::rparen;
      tok_.text = std::string(1, c);
      ++pos_;
    } else if ((c == '=' || c == '!') && pos_ + 1 < text_.size() && text_[pos_ + 1] == '=') {
      tok_.kind = c == '=' ? Token::eq : Token::ne;
      tok_.text = text_.substr(pos_, 2);
      pos_ += 2;
    } else if (c == '"' || c == '\'') {
      const std::size_t close = text_.find(c, pos_ + 1);
      if (close == std::string::npos) {
        tok_.kind = Token::bad;
        tok_.text = text_.substr(pos_);
        pos_ = text_.size();
        return;
      }
      tok_.kind = Token::string;
      tok_.text = text_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t b = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
        ++pos_;
      }
      tok_.kind = Token::ident;
      tok_.text = text_.substr(b, pos_ - b);
    } else {
      tok_.kind = Token::bad;
      tok_.text = std::string(1, c);
      ++pos_;
    }
  }

  bool keyword(const char* k) const { return tok_.kind == Token::ident && tok_.text == k; }

  NodeP binary(Expr::Node::Kind kind, NodeP l, NodeP r) {
    auto n = std::make_shared<Expr::Node>();
    n->kind = kind;
    n->left = std::move(l);
    n->right = std::move(r);
    return n;
  }

  NodeP parse_or() {
    NodeP l = parse_and();
    while (l && keyword("or")) {
      next();
      NodeP r = parse_and();
      if (!r) return nullptr;
      l = binary(Expr::Node::disjunction, l, r);
    }
    return l;
  }

  NodeP parse_and() {
    NodeP l = parse_unary();
    while (l && keyword("and")) {
      next();
      NodeP r = parse_unary();
      if (!r) return nullptr;
      l = binary(Expr::Node::conjunction, l, r);
    }
    return l;
  }

  NodeP parse_unary() {
    if (keyword("not")) {
      next();
      NodeP operand = parse_unary();
      if (!operand) return nullptr;
      return binary(Expr::Node::negation, operand, nullptr);
    }
    return parse_primary();
  }

  NodeP parse_primary() {
    if (tok_.kind == Token::lparen) {
      next();
      NodeP inner = parse_or();
      if (!inner) return nullptr;
      if (tok_.kind != Token::rparen) {
        fail(tok_.kind == Token::end ? "missing ')'" : "expected ')' before '" + tok_.text + "'");
        return nullptr;
      }
      next();
      return inner;
    }
    if (keyword("true") || keyword("false")) {
      auto n = std::make_shared<Expr::Node>();
      n->kind = Expr::Node::constant;
      n->value = tok_.text == "true";
      next();
      return n;
    }
    if (tok_.kind == Token::ident && !keyword("and") && !keyword("or") && !keyword("not")) {
      const std::string name = tok_.text;
      const auto def = proforma_.find(name);
      if (def == proforma_.end()) {
        fail("unknown PICS item '" + name + "'");
        return nullptr;
      }
      next();
      auto n = std::make_shared<Expr::Node>();
      n->name = name;
      if (tok_.kind == Token::eq || tok_.kind == Token::ne) {
        n->kind = tok_.kind == Token::eq ? Expr::Node::equals : Expr::Node::not_equals;
        next();
        if (tok_.kind != Token::string) {
          fail("expected a quoted value after '" + name +
               (n->kind == Expr::Node::equals ? " =='" : " !='"));
          return nullptr;
        }
        if (def->second.type != PicsType::enumeration) {
          fail("PICS item '" + name + "' is not an enumeration: it cannot be compared");
          return nullptr;
        }
        const auto& vs = def->second.values;
        if (std::find(vs.begin(), vs.end(), tok_.text) == vs.end()) {
          fail("'" + tok_.text + "' is not a value of PICS item '" + name + "'");
          return nullptr;
        }
        n->literal = tok_.text;
        next();
        return n;
      }
      if (def->second.type != PicsType::boolean) {
        fail("PICS item '" + name + "' is not boolean: compare it with == \"value\"");
        return nullptr;
      }
      n->kind = Expr::Node::item;
      return n;
    }
    if (tok_.kind == Token::end) {
      fail("expression ends where an operand is expected");
    } else if (tok_.kind == Token::bad && (tok_.text[0] == '"' || tok_.text[0] == '\'')) {
      fail("unterminated string");
    } else {
      fail("unexpected '" + tok_.text + "'");
    }
    return nullptr;
  }

  const std::string& text_;
  const Proforma& proforma_;
  std::size_t pos_ = 0;
  Token tok_;
  std::string error_;
};

bool eval_node(const Expr::Node& n, const PicsAnswers& a) {
  switch (n.kind) {
    case Expr::Node::constant:
      return n.value;
    case Expr::Node::item: {
      const auto it = a.find(n.name);
      return it != a.end() && it->second.b;
    }
    case Expr::Node::equals:
    case Expr::Node::not_equals: {
      const auto it = a.find(n.name);
      const bool same = it != a.end() && it->second.s == n.literal;
      return n.kind == Expr::Node::equals ? same : (it != a.end() && !same);
    }
    case Expr::Node::negation:
      return !eval_node(*n.left, a);
    case Expr::Node::conjunction:
      return eval_node(*n.left, a) && eval_node(*n.right, a);
    case Expr::Node::disjunction:
      return eval_node(*n.left, a) || eval_node(*n.right, a);
  }
  return false;
}

void collect(const Expr::Node& n, std::set<std::string>& out) {
  if (!n.name.empty()) out.insert(n.name);
  if (n.left) collect(*n.left, out);
  if (n.right) collect(*n.right, out);
}

}  // namespace

std::vector<std::string> Expr::items() const {
  std::set<std::string> s;
  if (root_) collect(*root_, s);
  return {s.begin(), s.end()};
}

bool Expr::eval(const PicsAnswers& answers) const {
  return root_ && eval_node(*root_, answers);
}

Expr parse_expr(const std::string& text, const Proforma& proforma, std::string& error) {
  error.clear();
  Parser p(text, proforma);
  NodeP root = p.parse(error);
  if (!root) {
    if (error.empty()) error = "empty expression";
    return Expr();
  }
  return Expr(root);
}

}  // namespace annexo::probe_data
