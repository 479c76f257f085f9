(import_statement source: (string (string_fragment) @source)) @import
(import_statement (import_require_clause source: (string (string_fragment) @source))) @import
(export_statement source: (string (string_fragment) @source)) @import
; `require("m")` and `import("m")` are calls: the profile's `callees` finds them.
