class Store {
    @Override
    @Deprecated
    public String name() {
        return "store";
    }
}
