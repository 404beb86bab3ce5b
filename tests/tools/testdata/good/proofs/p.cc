//= spec#X.1-UE-DO type=proof
static const char* kProperty = "x1-prop";
