class Store {
    @Override
    public String name() {
        return "store";
    }
}
