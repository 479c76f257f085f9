
export function First() {
  return <b>1</b>;
}

export function Second() {
  return <b>2</b>;
}
<<<<<<< ours
export function Label() {
  return <i>label</i>;
}
||||||| base
=======

export function Label() {
  return <em>label</em>;
}
>>>>>>> theirs
