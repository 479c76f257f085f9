(import_statement name: [(dotted_name) @name (aliased_import name: (dotted_name) @name)]) @import
(import_from_statement module_name: [(dotted_name) (relative_import)] @module) @import
(future_import_statement) @import
