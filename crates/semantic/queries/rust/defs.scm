(function_item) @definition.function
(function_signature_item) @definition.function
(struct_item) @definition.struct
(enum_item) @definition.enum
(union_item) @definition.union
(trait_item) @definition.trait
(type_item) @definition.type
(associated_type) @definition.type
(mod_item) @definition.module
(const_item) @definition.constant
(static_item) @definition.static
(macro_definition) @definition.macro
(enum_variant) @definition.variant
(field_declaration) @definition.field
(impl_item
  type: [
    (type_identifier) @name
    (generic_type type: (type_identifier) @name)
    (scoped_type_identifier name: (type_identifier) @name)
    (generic_type type: (scoped_type_identifier name: (type_identifier) @name))
  ]) @definition.impl
