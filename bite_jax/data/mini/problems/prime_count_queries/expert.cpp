#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    int q;
    cin >> q;
    vector<int> xs(q);
    for (auto &x : xs) cin >> x;
    int top = max(2, *max_element(xs.begin(), xs.end()));
    // one sieve up to the largest query, then prefix counts answer every query
    vector<bool> composite(top + 1, false);
    vector<int> count(top + 1, 0);
    for (long long i = 2; i <= top; ++i) {
        count[i] = count[i - 1] + !composite[i];
        if (!composite[i])
            for (long long j = i * i; j <= top; j += i) composite[j] = true;
    }
    for (int x : xs) cout << count[x] << '\n';
    return 0;
}
