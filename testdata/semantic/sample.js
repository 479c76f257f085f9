import React, { useState } from 'react';
import * as api from './api';
const path = require('path');

export const API_ROOT = '/api';

export function formatName(user) {
  return `${user.first} ${user.last}`;
}

export const fetchUser = async (id) => {
  const response = await api.get(`${API_ROOT}/users/${id}`);
  return response.json();
};

const debounce = function (fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
};

class Cache {
  #entries = new Map();
  size = 0;

  get(key) {
    return this.#entries.get(key);
  }

  set(key, value) {
    this.#entries.set(key, value);
    this.size = this.#entries.size;
  }
}

export default class UserCache extends Cache {
  constructor() {
    super();
  }

  load(id) {
    return fetchUser(id).then((u) => this.set(id, formatName(u)));
  }
}
