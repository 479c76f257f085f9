import { Injectable } from "@angular/core";
import type { Request, Response } from "express";

export interface User {
  id: number;
  name: string;
  greet(other: User): string;
}

export type UserId = number;

export enum Status {
  Active,
  Suspended = "suspended",
}

export abstract class Repository<T> {
  protected items: T[] = [];
  abstract find(id: number): T | undefined;
  all(): T[] {
    return this.items;
  }
}

@Injectable()
export class UserRepository extends Repository<User> {
  private cache = new Map<number, User>();

  find(id: number): User | undefined {
    return this.cache.get(id) ?? this.items.find((u) => u.id === id);
  }

  add(user: User): void {
    this.items.push(user);
    notify(user, Status.Active);
  }
}

export const notify = (user: User, status: Status): void => {
  console.log(`${user.name}: ${status}`);
};

export function handler(req: Request, res: Response): void {
  const repo = new UserRepository();
  res.json(repo.all());
}

namespace Internal {
  export function secret(): string {
    return "s";
  }
}
