#include <iostream>
#include <vector>
using namespace std;

const long long MOD = 1000000007LL;
vector<int> steps;

long long ways(int m) {
    if (m == 0) return 1;
    long long total = 0;
    for (int s : steps)
        if (s <= m) total = (total + ways(m - s)) % MOD;
    return total;
}

int main() {
    int n, k;
    cin >> n >> k;
    steps.resize(k);
    for (auto &s : steps) cin >> s;
    cout << ways(n) << '\n';
    return 0;
}
