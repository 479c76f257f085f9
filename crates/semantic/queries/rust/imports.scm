(use_declaration argument: (_) @path) @import
(extern_crate_declaration name: (identifier) @name) @import
(mod_item name: (identifier) @name !body) @import
