(import_statement source: (string (string_fragment) @source)) @import
(export_statement source: (string (string_fragment) @source)) @import
; `require("m")` and `import("m")` are calls: the profile's `callees` finds them.
