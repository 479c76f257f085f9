(import_statement source: (string (string_fragment) @source)) @import
(export_statement source: (string (string_fragment) @source)) @import
(call_expression
  function: (identifier) @_fn
  arguments: (arguments . (string (string_fragment) @source))
  (#eq? @_fn "require")) @import
(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @source))) @import
