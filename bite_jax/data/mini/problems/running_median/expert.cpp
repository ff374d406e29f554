#include <functional>
#include <iostream>
#include <queue>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    // lo holds the smaller ceil(k/2) values, so its top is the lower median
    priority_queue<int> lo;
    priority_queue<int, vector<int>, greater<int>> hi;
    long long total = 0;
    for (int k = 0; k < n; ++k) {
        int x;
        cin >> x;
        if (lo.empty() || x <= lo.top()) lo.push(x);
        else hi.push(x);
        if (lo.size() > hi.size() + 1) {
            hi.push(lo.top());
            lo.pop();
        } else if (hi.size() > lo.size()) {
            lo.push(hi.top());
            hi.pop();
        }
        total += lo.top();
    }
    cout << total << '\n';
    return 0;
}
